import { validate as validateOpenApi } from '@readme/openapi-parser';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsPlugin from 'ajv-formats';
import { expect } from 'chai';
import { findGuild, type SimGuild } from '../../../src/sim/index.js';
import { startStack, type Stack } from '../../helpers/stack.js';
import { waitForIdle } from '../../helpers/worker.js';
import { deliver, signedDelivery } from '../../security/webhook-sign.js';
import { bearer, call, isolatedGuild, type Reply } from './helpers.js';

type Doc = Record<string, any>;
type OpenApiInput = Parameters<typeof validateOpenApi>[0];

const basic = `Basic ${Buffer.from('operator:dashboard-password').toString('base64')}`;
const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

/** Every operation of the document as "METHOD /template". */
const operationsOf = (doc: Doc): string[] =>
  Object.entries<Record<string, unknown>>(doc.paths).flatMap(([path, item]) =>
    Object.keys(item).filter((m) => METHODS.includes(m)).map((m) => `${m.toUpperCase()} ${path}`),
  );

/** The template of the document that a concrete path matches (the most specific, literal segments first). */
function templateOf(doc: Doc, path: string): string | undefined {
  const matching = Object.keys(doc.paths).filter((p) => new RegExp(`^${p.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(path));
  return matching.sort((a, b) => a.split('{').length - b.split('{').length)[0];
}

/**
 * Checks a live answer against the document: its status is documented for the operation, its media type too,
 * its body validates against the documented JSON Schema (2020-12, OpenAPI 3.1's dialect) and every header the
 * document marks required is present. Returns the problems found.
 */
function checkAgainst(doc: Doc, ajv: Ajv2020, method: string, path: string, reply: Reply): string[] {
  const template = templateOf(doc, path);
  const label = `${method} ${path} → ${reply.status}`;
  const operation = template && doc.paths[template][method.toLowerCase()];
  if (!operation) return [`${label}: no such operation`];
  const response = operation.responses[String(reply.status)];
  if (!response) return [`${label}: status not documented`];
  const problems: string[] = [];
  for (const [name, header] of Object.entries<{ required?: boolean }>(response.headers ?? {})) {
    if (header.required && !reply.headers.has(name)) problems.push(`${label}: required header ${name} missing`);
  }
  const mediaType = (reply.headers.get('content-type') ?? '').split(';')[0]!.trim();
  // No content is what a 204 documents: nothing to check but the headers.
  if (reply.status === 204 && !response.content) return reply.text === '' ? problems : [...problems, `${label}: a 204 with a body`];
  const content = response.content?.[mediaType];
  if (!content) return [...problems, `${label}: media type ${mediaType} not documented`];
  const schema = JSON.parse(JSON.stringify(content.schema).replaceAll('"#/components/', '"openapi.json#/components/'));
  const check = ajv.compile(schema);
  if (!check(reply.body)) problems.push(`${label}: ${ajv.errorsText(check.errors)}`);
  return problems;
}

describe('GET /openapi.json', function () {
  let stack: Stack;
  let url: string;
  let doc: Doc;
  let ajv: Ajv2020;
  // Writes (message, plan, webhook) go to a guild of this file's own: the demo guilds are shared with other files.
  // More characters than the Guild Master and three officers can have (three each at most), so some user ranks
  // below officer whatever the seed.
  const spec = isolatedGuild(13);
  let own: SimGuild;

  before(async () => {
    // A short wait, so a first read of a character answers 202 while Battle.net is slow.
    stack = await startStack({ api: true, env: { CHARACTER_WAIT_MS: '300' }, simulator: { world: { guilds: [spec] } } });
    url = stack.api!.url;
    own = findGuild(stack.sim.world, spec.id)!;
    doc = (await call(`${url}/openapi.json`)).body;
    ajv = new Ajv2020({ strict: false, allErrors: true });
    (addFormatsPlugin as unknown as (a: Ajv2020) => void)(ajv);
    ajv.addSchema({ $id: 'openapi.json', components: doc.components });
  });
  after(async () => {
    await stack?.close();
  });

  it('is a valid OpenAPI 3.1 document (checked by a validator of the specification), and the check can fail', async () => {
    expect(doc.openapi).to.equal('3.1.0');
    const result = await validateOpenApi(structuredClone(doc) as OpenApiInput);
    expect(result.valid, JSON.stringify(result)).to.equal(true);
    const broken = structuredClone(doc);
    broken.paths['/health'].get.operationId = broken.paths['/ready'].get.operationId;
    delete broken.paths['/metrics'].get.responses;
    expect((await validateOpenApi(broken as OpenApiInput)).valid).to.equal(false);
  });

  it('lists every route, each with a unique operationId, tags and responses; servers; bounded integers', () => {
    expect(operationsOf(doc).sort()).to.deep.equal([
      'DELETE /guilds/{guild_id}/progress/integrations/discord',
      'DELETE /guilds/{guild_id}/progress/integrations/events/endpoints/{endpoint_id}',
      'DELETE /guilds/{guild_id}/progress/message',
      'DELETE /guilds/{guild_id}/progress/team-plans/{plan_id}',
      'DELETE /guilds/{guild_id}/progress/tokens/{token_id}',
      'GET /admin/queues',
      'GET /guilds/{guild_id}/progress/character/{character_name}',
      'GET /guilds/{guild_id}/progress/character/{character_name}/history',
      'GET /guilds/{guild_id}/progress/characters',
      'GET /guilds/{guild_id}/progress/comparisons',
      'GET /guilds/{guild_id}/progress/integrations/discord',
      'GET /guilds/{guild_id}/progress/integrations/events/endpoints',
      'GET /guilds/{guild_id}/progress/integrations/events/endpoints/{endpoint_id}/deliveries',
      'GET /guilds/{guild_id}/progress/members',
      'GET /guilds/{guild_id}/progress/message',
      'GET /guilds/{guild_id}/progress/message/history',
      'GET /guilds/{guild_id}/progress/roadmap',
      'GET /guilds/{guild_id}/progress/team-plans',
      'GET /guilds/{guild_id}/progress/team-plans/{plan_id}/history',
      'GET /guilds/{guild_id}/progress/tokens',
      'GET /health',
      'GET /metrics',
      'GET /openapi.json',
      'GET /ready',
      'POST /guilds/{guild_id}/progress/integrations/discord/test',
      'POST /guilds/{guild_id}/progress/integrations/events/endpoints',
      'POST /guilds/{guild_id}/progress/integrations/events/endpoints/{endpoint_id}/enable',
      'POST /guilds/{guild_id}/progress/team-plans',
      'POST /guilds/{guild_id}/progress/tokens',
      'POST /webhooks/guild-api',
      'PUT /guilds/{guild_id}/progress/integrations/discord',
      'PUT /guilds/{guild_id}/progress/message',
      'PUT /guilds/{guild_id}/progress/roadmap',
      'PUT /guilds/{guild_id}/progress/team-plans/{plan_id}',
    ]);
    const operations = Object.values<Doc>(doc.paths).flatMap((item) => METHODS.filter((m) => item[m]).map((m) => item[m]));
    const ids = operations.map((o) => o.operationId);
    expect(ids.every((id) => typeof id === 'string' && /^[a-z][A-Za-z]+$/.test(id))).to.equal(true);
    expect(new Set(ids).size).to.equal(ids.length);
    const tags = new Set(doc.tags.map((t: { name: string }) => t.name));
    for (const o of operations) expect(o.tags.every((t: string) => tags.has(t)), o.operationId).to.equal(true);
    expect(doc.servers).to.deep.equal([{ url: '/', description: 'The api that serves this document' }]);

    const param = (path: string, name: string) => doc.paths[path].get.parameters.find((p: { name: string }) => p.name === name).schema;
    expect(param('/guilds/{guild_id}/progress/members', 'limit')).to.include({ type: 'integer', minimum: 1, maximum: 1000, default: 1000 });
    expect(param('/guilds/{guild_id}/progress/members', 'offset')).to.include({ type: 'integer', minimum: 0 });
    expect(param('/guilds/{guild_id}/progress/members', 'min_level')).to.include({ type: 'integer', minimum: 1 });
    expect(param('/guilds/{guild_id}/progress/message/history', 'limit')).to.include({ type: 'integer', minimum: 1, maximum: 200, default: 50 });
    expect(param('/guilds/{guild_id}/progress/roadmap', 'guild_id')).to.include({ type: 'integer', minimum: 1, maximum: 2_147_483_647 });
  });

  it('documents the headers a client acts on: Retry-After, RateLimit-*, Content-Disposition', () => {
    const character = doc.paths['/guilds/{guild_id}/progress/character/{character_name}'].get.responses;
    expect(character['202'].headers['Retry-After']).to.include({ required: true });
    expect(character['429'].headers['Retry-After']).to.include({ required: true });
    for (const status of ['200', '202', '401', '403', '429']) {
      expect(Object.keys(character[status].headers), status).to.include.members(['RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset']);
    }
    const members = doc.paths['/guilds/{guild_id}/progress/members'].get.responses['200'];
    expect(Object.keys(members.content)).to.deep.equal(['application/json', 'text/csv']);
    expect(members.headers['Content-Disposition']).to.be.an('object');
    expect(doc.paths['/webhooks/guild-api'].post.responses['202'].headers).to.equal(undefined);
  });

  it("describes each webhook event type's data as its own schema", () => {
    const body = doc.paths['/webhooks/guild-api'].post.requestBody.content['application/json'].schema;
    expect(body).to.deep.equal({ $ref: '#/components/schemas/WebhookEvent' });
    const event = doc.components.schemas.WebhookEvent;
    expect(Object.keys(event.discriminator.mapping).sort()).to.deep.equal(
      ['guild.roster_changed', 'member.joined', 'member.left', 'member.rank_changed', 'user.characters_changed'],
    );
    const joined = doc.components.schemas.WebhookMemberJoined;
    expect(joined.required).to.include.members(['id', 'type', 'guild_id', 'occurred_at', 'data']);
    expect(joined.properties.data.required).to.include.members(['character_name', 'bnet_id', 'rank_id', 'rank_name']);
    const validEvent = ajv.compile({ $ref: 'openapi.json#/components/schemas/WebhookEvent' });
    const occurred = new Date().toISOString();
    expect(validEvent({ id: 'e1', type: 'member.left', guild_id: 1, occurred_at: occurred, data: { character_name: 'Thrall', bnet_id: 7 } })).to.equal(true);
    expect(validEvent({ id: 'e1', type: 'member.joined', guild_id: 1, occurred_at: occurred, data: { character_name: 'Thrall', bnet_id: 7 } })).to.equal(false);
  });

  it('describes the real answers of every route: status, media type, body and required headers', async () => {
    const gm = bearer(stack.sim.tokenFor(stack.sim.world.demoUsers.guildMaster));
    const member = bearer(stack.sim.tokenFor(stack.sim.world.demoUsers.member));
    const best = (bnetId: number) => Math.min(...own.members.filter((m) => m.bnetId === bnetId).map((m) => m.rankId));
    const ownGm = bearer(stack.sim.tokenFor(own.members.find((m) => m.rankId === 0)!.bnetId));
    const ownMember = bearer(stack.sim.tokenFor(own.members.find((m) => best(m.bnetId) >= 2)!.bnetId));
    const base = `/guilds/${own.id}/progress`;
    const asJson = (headers: Record<string, string>) => ({ ...headers, 'content-type': 'application/json' });
    const exercised = new Set<string>();
    const problems: string[] = [];
    const check = async (method: string, path: string, reply: Reply) => {
      exercised.add(`${method} ${templateOf(doc, path.split('?')[0]!)}`);
      problems.push(...checkAgainst(doc, ajv, method, path.split('?')[0]!, reply));
    };
    const send = async (method: string, path: string, headers: Record<string, string> = {}, body?: string) => {
      const reply = await call(`${url}${path}`, { method, headers, body });
      await check(method, path, reply);
      return reply;
    };

    // The guild's first read while Battle.net is slow: a member not fetched yet answers 202 with Retry-After.
    stack.sim.setFaults({ latencyMs: 1000 });
    try {
      const first = await send('GET', `${base}/character/${encodeURIComponent(own.members[1]!.characterName)}?realm=${spec.realm}`, ownMember);
      expect(first.status, first.text).to.equal(202);
    } finally {
      stack.sim.resetFaults();
    }
    await waitForIdle(stack.queues);

    const guildPaths = [
      '/guilds/1/progress/characters', '/guilds/1/progress/character/Gallyboss?realm=bleeding-hollow',
      '/guilds/1/progress/character/Gallyboss/history?realm=bleeding-hollow', '/guilds/1/progress/members', '/guilds/1/progress/message',
      '/guilds/1/progress/message/history', '/guilds/1/progress/roadmap', '/guilds/1/progress/comparisons',
    ];
    for (const path of guildPaths) expect((await send('GET', path)).status, path).to.equal(401);
    expect((await send('GET', '/guilds/1/progress/roadmap', bearer('garbage'))).body.code).to.equal('token_invalid');

    await send('GET', '/guilds/1/progress/characters', gm);
    await send('GET', '/guilds/1/progress/character/Gallyboss?realm=bleeding-hollow', member);
    await send('GET', '/guilds/1/progress/character/Nobody?realm=bleeding-hollow', member);
    await send('GET', '/guilds/1/progress/character/Gallyboss/history?realm=bleeding-hollow', member);
    const historyCsv = await send('GET', '/guilds/1/progress/character/Gallyboss/history?realm=bleeding-hollow&format=CSV', member);
    expect(historyCsv.headers.get('content-disposition')).to.match(/^attachment; filename=/);
    await send('GET', '/guilds/1/progress/members', gm);
    await send('GET', '/guilds/1/progress/members?sort=GAP&summary=false&min_level=90', gm);
    const csv = await send('GET', '/guilds/1/progress/members?format=csv', gm);
    expect(csv.headers.get('content-disposition')).to.equal('attachment; filename="guild-1-members.csv"');
    await send('GET', '/guilds/1/progress/members', member);
    await send('GET', '/guilds/1/progress/members?sort=nope&limit=5000', gm);
    await send('GET', '/guilds/1/progress/message', member);
    await send('GET', '/guilds/1/progress/message/history', gm);
    await send('GET', '/guilds/1/progress/roadmap', member);
    await send('GET', '/guilds/1/progress/comparisons', member);
    await send('GET', '/guilds/1/progress/comparisons?region=US', member);

    await send('PUT', `${base}/message`, asJson(ownGm), '{"message":"Raid at 8"}');
    await send('PUT', `${base}/message`, asJson(ownGm), JSON.stringify({ message: 'x'.repeat(2001) }));
    await send('PUT', `${base}/message`, { ...ownGm, 'content-type': 'text/plain' }, 'Raid at 8');
    await send('PUT', `${base}/message`, asJson(ownMember), '{"message":"mine now"}');
    await send('DELETE', `${base}/message`, ownGm);
    await send('DELETE', `${base}/message`, ownMember);
    await send('GET', `${base}/message/history`, ownGm);
    const roadmap = await send('GET', `${base}/roadmap`, ownMember);
    const weeks = roadmap.body.weeks.filter((w: { week: number }) => w.week >= 1);
    await send('PUT', `${base}/roadmap`, asJson(ownGm), JSON.stringify({ expansion_id: 12, weeks }));
    await send('PUT', `${base}/roadmap`, asJson(ownGm), JSON.stringify({ expansion_id: 12, weeks: [...weeks, weeks[0]] }));

    const plan = await send('POST', `${base}/team-plans`, asJson(ownGm), JSON.stringify({ name: 'Mythic team', ranks: [1, 2], offset: 3 }));
    expect(plan.status, plan.text).to.equal(201);
    await send('POST', `${base}/team-plans`, asJson(ownGm), JSON.stringify({ name: 'Bench', ranks: [3], offset: 3, weeks: [] }));
    await send('POST', `${base}/team-plans`, asJson(ownMember), JSON.stringify({ name: 'Mine', ranks: [3], offset: 3 }));
    await send('GET', `${base}/team-plans`, ownGm);
    await send('GET', `${base}/members?plan=${plan.body.id}`, ownGm);
    await send('GET', `${base}/members?plan=guild&format=csv`, ownGm);
    await send('GET', `${base}/members?plan=999999`, ownGm);
    await send('PUT', `${base}/team-plans/${plan.body.id}`, asJson(ownGm), JSON.stringify({ name: 'Mythic team', members: [{ character_name: own.members[1]!.characterName, realm: spec.realm }], weeks: [{ week: 1, ilvl_target: 250 }] }));
    await send('GET', `${base}/team-plans/${plan.body.id}/history`, ownGm);
    await send('GET', `${base}/members`, ownGm);
    await send('DELETE', `${base}/team-plans/${plan.body.id}`, ownGm);
    await send('DELETE', `${base}/team-plans/${plan.body.id}`, ownGm);
    const endpoints = `${base}/integrations/events/endpoints`;
    await send('GET', endpoints, ownGm);
    const created = await send('POST', endpoints, asJson(ownGm), JSON.stringify({ url: 'http://127.0.0.1:9/hook', event_types: ['member.left'] }));
    expect(created.status, created.text).to.equal(201);
    await send('POST', endpoints, asJson(ownGm), JSON.stringify({ url: 'https://10.0.0.1/hook', event_types: ['member.left'] }));
    await send('GET', `${endpoints}/${created.body.id}/deliveries?limit=5`, ownGm);
    await send('GET', `${endpoints}/987654/deliveries`, ownGm);
    await send('POST', `${endpoints}/${created.body.id}/enable`, ownGm);
    await send('DELETE', `${endpoints}/${created.body.id}`, ownGm);
    await send('GET', endpoints, ownMember);
    const discord = `${base}/integrations/discord`;
    await send('GET', discord, ownGm);
    await send('POST', `${discord}/test`, ownGm);
    await send('PUT', discord, asJson(ownGm), JSON.stringify({ url: 'https://example.com/not-discord' }));
    await send('PUT', discord, asJson(ownGm), JSON.stringify({ url: 'http://127.0.0.1:9/api/webhooks/1/token' }));
    const test = await send('POST', `${discord}/test`, ownGm);
    expect(test.body).to.include({ delivered: false });
    await send('DELETE', discord, ownGm);

    const token = await send('POST', `${base}/tokens`, asJson(ownGm), JSON.stringify({ name: 'Sheet', scopes: ['overview', 'csv', 'characters'] }));
    expect(token.status, token.text).to.equal(201);
    await send('POST', `${base}/tokens`, asJson(ownGm), JSON.stringify({ name: 'Sheet', scopes: ['everything'] }));
    await send('POST', `${base}/tokens`, asJson(ownMember), JSON.stringify({ name: 'Sheet', scopes: ['overview'] }));
    await send('GET', `${base}/tokens`, ownGm);
    const readOnly = bearer(token.body.token);
    expect((await send('GET', `${base}/members`, readOnly)).status).to.equal(200);
    expect((await send('GET', `${base}/members?format=csv`, readOnly)).status).to.equal(200);
    expect((await send('GET', `${base}/character/${encodeURIComponent(own.members[1]!.characterName)}?realm=${spec.realm}`, readOnly)).status).to.be.oneOf([200, 202]);
    expect((await send('PUT', `${base}/message`, asJson(readOnly), '{"message":"x"}')).status).to.equal(403);
    expect((await send('GET', `${base}/message`, readOnly)).status).to.equal(403);
    expect((await send('GET', '/guilds/1/progress/members', readOnly)).status).to.equal(403);
    await send('DELETE', `${base}/tokens/${token.body.id}`, ownGm);
    await send('DELETE', `${base}/tokens/${token.body.id}`, ownGm);
    expect((await send('GET', `${base}/members`, readOnly)).status).to.equal(401);

    const event = { id: `openapi-${Date.now()}`, type: 'guild.roster_changed', guild_id: own.id, occurred_at: new Date().toISOString(), data: {} };
    const webhook = async (delivery: ReturnType<typeof signedDelivery>) => {
      const res = await deliver(url, delivery);
      const text = await res.text();
      await check('POST', '/webhooks/guild-api', { status: res.status, headers: res.headers, text, body: JSON.parse(text), ms: 0 });
      return res.status;
    };
    expect(await webhook(signedDelivery(event))).to.equal(202);
    expect(await webhook({ ...signedDelivery(event), signature: 'sha256=00' })).to.equal(401);
    expect(await webhook(signedDelivery({ ...event, id: `${event.id}-bad`, type: 'member.left' }))).to.equal(422);

    await send('GET', '/health');
    await send('GET', '/ready');
    await send('GET', '/metrics');
    await send('GET', '/openapi.json');
    await send('GET', '/admin/queues', { authorization: basic });
    await send('GET', '/admin/queues');

    expect(problems).to.deep.equal([]);
    expect([...exercised].sort()).to.deep.equal(operationsOf(doc).sort());
  });

  it('the live check fails on an answer the document does not describe', () => {
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}): Reply =>
      ({ status, body, text: JSON.stringify(body), ms: 0, headers: new Headers({ 'content-type': 'application/json', ...headers }) });
    const limits = { 'ratelimit-limit': '60', 'ratelimit-remaining': '59', 'ratelimit-reset': '60' };
    const path = '/guilds/1/progress/message';
    expect(checkAgainst(doc, ajv, 'GET', path, reply(200, { guild_id: 1, gm_message: null, created_by: null, updated_at: null }, limits))).to.deep.equal([]);
    expect(checkAgainst(doc, ajv, 'GET', path, reply(200, { guild_id: '1', gm_message: null, created_by: null, updated_at: null }, limits))).to.have.length(1);
    expect(checkAgainst(doc, ajv, 'GET', path, reply(200, { guild_id: 1, gm_message: null, created_by: null, updated_at: null }))).to.have.length(3);
    expect(checkAgainst(doc, ajv, 'GET', path, reply(418, {}, limits))).to.have.length(1);
    expect(checkAgainst(doc, ajv, 'PATCH', path, reply(200, {}, limits))).to.have.length(1);
  });
});
