import { expect } from 'chai';
import { startStack, type Stack } from '../../helpers/stack.js';
import { signedDelivery, deliver } from '../../security/webhook-sign.js';
import { waitForIdle } from '../../helpers/worker.js';
import { bearer, call } from './helpers.js';
import { documentedResponse, schemaProblems } from './openapi-check.js';

describe('GET /openapi.json', function () {
  let stack: Stack;
  let url: string;
  let doc: Record<string, any>;

  before(async () => {
    stack = await startStack({ api: true });
    url = stack.api!.url;
    doc = (await call(`${url}/openapi.json`)).body;
  });
  after(async () => {
    await stack?.close();
  });

  it('is an OpenAPI 3.1 document listing every route', () => {
    expect(doc.openapi).to.equal('3.1.0');
    expect(Object.keys(doc.paths).sort()).to.deep.equal([
      '/guilds/{guild_id}/progress/character/{character_name}',
      '/guilds/{guild_id}/progress/character/{character_name}/history',
      '/guilds/{guild_id}/progress/characters',
      '/guilds/{guild_id}/progress/comparisons',
      '/guilds/{guild_id}/progress/members',
      '/guilds/{guild_id}/progress/message',
      '/guilds/{guild_id}/progress/message/history',
      '/guilds/{guild_id}/progress/roadmap',
      '/webhooks/guild-api',
    ]);
    const params = doc.paths['/guilds/{guild_id}/progress/members'].get.parameters.map((p: { name: string }) => p.name);
    expect(params).to.include.members(['guild_id', 'sort', 'order', 'class', 'role', 'status', 'limit', 'offset', 'format']);
    // The checker below must be able to fail.
    expect(schemaProblems(doc, { $ref: '#/components/schemas/Roadmap' }, { expansion: 12, weeks: [{ week: 'one' }] })).to.have.length.greaterThan(3);
  });

  it('describes the real responses of every route: status codes and shapes', async () => {
    const gm = bearer(stack.sim.tokenFor(stack.sim.world.demoUsers.guildMaster));
    const member = bearer(stack.sim.tokenFor(stack.sim.world.demoUsers.member));
    await call(`${url}/guilds/1/progress/characters`, { headers: gm });
    await waitForIdle(stack.queues);
    const requests: Array<{ method?: string; path: string; headers?: Record<string, string>; body?: string }> = [
      { path: '/guilds/1/progress/characters', headers: gm },
      { path: '/guilds/1/progress/character/Gallyboss?realm=bleeding-hollow', headers: member },
      { path: '/guilds/1/progress/character/Nobody?realm=bleeding-hollow', headers: member },
      { path: '/guilds/1/progress/character/Gallyboss/history?realm=bleeding-hollow&weeks=30', headers: member },
      { path: '/guilds/1/progress/character/Gallyboss/history?weeks=0', headers: member },
      { path: '/guilds/1/progress/members', headers: gm },
      { path: '/guilds/1/progress/members?sort=gap&summary=false', headers: gm },
      { path: '/guilds/1/progress/members', headers: member },
      { path: '/guilds/1/progress/members?sort=nope', headers: gm },
      { method: 'PUT', path: '/guilds/1/progress/message', headers: { ...gm, 'content-type': 'application/json' }, body: '{"message":"Raid at 8"}' },
      { method: 'PUT', path: '/guilds/1/progress/message', headers: { ...gm, 'content-type': 'application/json' }, body: '{"message":""}' },
      { path: '/guilds/1/progress/message', headers: member },
      { path: '/guilds/1/progress/message/history', headers: gm },
      { path: '/guilds/1/progress/roadmap', headers: member },
      { path: '/guilds/1/progress/roadmap' },
      { path: '/guilds/1/progress/comparisons', headers: member },
    ];
    for (const r of requests) {
      const reply = await call(`${url}${r.path}`, { method: r.method ?? 'GET', headers: r.headers, body: r.body });
      const documented = documentedResponse(doc, r.method ?? 'GET', r.path.split('?')[0]!, reply.status);
      expect(documented, `${r.method ?? 'GET'} ${r.path} answered ${reply.status}, which is not documented`).to.not.equal(undefined);
      const schema = documented!.content['application/json'].schema;
      expect(schemaProblems(doc, schema, reply.body), `${r.path} (${reply.status})`).to.deep.equal([]);
    }
  });

  it('describes the webhook answers too', async () => {
    const event = { id: `openapi-${Date.now()}`, type: 'guild.roster_changed', guild_id: 1, occurred_at: new Date().toISOString(), data: {} };
    const accepted = await deliver(url, signedDelivery(event));
    const body = await accepted.json();
    const schema = documentedResponse(doc, 'POST', '/webhooks/guild-api', accepted.status)!.content['application/json'].schema;
    expect(schemaProblems(doc, schema, body)).to.deep.equal([]);
    const refused = await deliver(url, { ...signedDelivery(event), signature: 'sha256=00' });
    expect(documentedResponse(doc, 'POST', '/webhooks/guild-api', refused.status)).to.not.equal(undefined);
  });
});
