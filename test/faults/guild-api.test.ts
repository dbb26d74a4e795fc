import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { startApi, type RunningApi } from '../../src/api/server.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { testConfig, testLogger } from '../helpers/test-env.js';
import { accessToken } from '../security/jwt-forge.js';
import { bearer, call, sleep } from './support.js';

const TTL_SECONDS = 1;

/**
 * guild-api decides who may see a guild. When it is down, slow or talking nonsense, decisions already cached
 * stand until they expire; after that, and for anyone without one, the answer is 503 — never access.
 */
describe('fault: guild-api down, slow or broken', function () {
  this.timeout(60_000);
  let stack: Stack;
  let url: string;
  const users = { gm: 1001, officer: 1002, member: 1003, outsider: 1004 };
  const roadmap = (bnetId: number, guildId = 1) => call(`${url}/guilds/${guildId}/progress/roadmap`, { headers: bearer(accessToken(bnetId)) });
  const overview = (bnetId: number) => call(`${url}/guilds/1/progress/members?limit=1`, { headers: bearer(accessToken(bnetId)) });
  const checks = () => stack.sim.counters().guildApi.byPath['/guilds/1/permissions/check'] ?? 0;

  before(async () => {
    stack = await startStack({
      api: true,
      worker: false,
      env: { PERMISSION_CACHE_TTL: String(TTL_SECONDS), GUILD_API_TIMEOUT: '0.3', CHARACTER_WAIT_MS: '100' },
    });
    url = stack.api!.url;
  });
  afterEach(() => stack.sim.resetFaults());
  after(async () => {
    await stack?.close();
  });

  for (const fault of [
    { name: 'down (503)', faults: { guildApiDown: true } },
    { name: 'slower than its timeout', faults: { guildApiLatencyMs: 1500 } },
  ]) {
    it(`${fault.name}: honours cached decisions while valid, then answers 503 guild_api_unavailable, never 200`, async () => {
      // Fresh decisions: the GM allowed, the outsider refused.
      await sleep(TTL_SECONDS * 1000 + 100);
      expect((await roadmap(users.gm)).status).to.equal(200);
      expect((await roadmap(users.outsider)).status).to.equal(403);

      stack.sim.setFaults(fault.faults);
      const asked = checks();
      // While the decisions are cached, guild-api is not needed at all.
      expect((await roadmap(users.gm)).status).to.equal(200);
      expect((await overview(users.gm)).status).to.equal(200);
      expect((await roadmap(users.outsider)).status).to.equal(403);
      expect(checks(), 'no call to guild-api for a cached decision').to.equal(asked);

      // Nothing cached for the officer: no decision can be had, and none is made up.
      const officer = await roadmap(users.officer);
      expect(officer.status).to.equal(503);
      expect(officer.body).to.deep.equal({ error: 'guild-api is unavailable, try again shortly', code: 'guild_api_unavailable' });
      expect(officer.headers.get('retry-after')).to.match(/^\d+$/);
      expect(officer.ms, 'the caller is not kept waiting past the guild-api timeout').to.be.below(1500);

      // Once the cached decisions expire, the GM too gets 503, and the outsider never gets in.
      await sleep(TTL_SECONDS * 1000 + 200);
      for (const bnetId of [users.gm, users.outsider, users.member]) {
        const reply = await roadmap(bnetId);
        expect(reply.status, `user ${bnetId}`).to.equal(503);
        expect(reply.body.code).to.equal('guild_api_unavailable');
      }
      for (const path of ['/guilds/1/progress/members', '/guilds/1/progress/characters', '/guilds/1/progress/message', '/guilds/2/progress/roadmap']) {
        const reply = await call(`${url}${path}`, { headers: bearer(accessToken(users.outsider)) });
        expect(reply.status, path).to.equal(503);
      }

      stack.sim.resetFaults();
      expect((await roadmap(users.gm)).status, 'back as soon as guild-api answers').to.equal(200);
      expect((await roadmap(users.outsider)).status).to.equal(403);
    });
  }

  it('does not let a guild-api outage turn a refusal into access for a user it was refusing', async () => {
    await sleep(TTL_SECONDS * 1000 + 100);
    stack.sim.setFaults({ guildApiDown: true });
    const statuses = new Set<number>();
    for (let i = 0; i < 20; i += 1) statuses.add((await roadmap(users.outsider, 1)).status);
    expect([...statuses]).to.deep.equal([503]);
  });

  describe('guild-api answering nonsense', () => {
    let hostile: Server;
    let api: RunningApi;
    let answer: { status: number; body: string } = { status: 200, body: '{}' };

    before(async () => {
      hostile = createServer((_req, res) => {
        res.writeHead(answer.status, { 'content-type': 'application/json' });
        res.end(answer.body);
      });
      await new Promise<void>((resolve) => hostile.listen(0, '127.0.0.1', resolve));
      const guildApiUrl = `http://127.0.0.1:${(hostile.address() as AddressInfo).port}`;
      api = await startApi(testConfig({ ...stack.env, GUILD_API_URL: guildApiUrl }), testLogger(), 0, '127.0.0.1');
    });
    after(async () => {
      await api?.close();
      await new Promise<void>((resolve) => hostile?.close(() => resolve()));
    });

    const answers = [
      { name: 'not JSON', status: 200, body: '<html>ok</html>' },
      { name: 'allowed as a string', status: 200, body: '{"allowed": "true", "rank_id": 0, "reason": "x"}' },
      { name: 'rank as a string', status: 200, body: '{"allowed": true, "rank_id": "0", "reason": "x"}' },
      { name: 'allowed with no rank', status: 200, body: '{"allowed": true, "reason": "x"}' },
      { name: 'an empty object', status: 200, body: '{}' },
      { name: 'a JSON array', status: 200, body: '[true]' },
      { name: 'HTTP 500', status: 500, body: '{"allowed": true, "rank_id": 0}' },
      { name: 'HTTP 302', status: 302, body: '{"allowed": true, "rank_id": 0}' },
    ];
    answers.forEach((a, i) => {
      it(`never grants access when the permission answer is ${a.name}`, async () => {
        answer = { status: a.status, body: a.body };
        // A user of its own per answer, so no earlier decision is cached for them.
        const reply = await call(`${api.url}/guilds/1/progress/roadmap`, { headers: bearer(accessToken(7000 + i)) });
        expect(reply.status).to.be.oneOf([403, 503]);
        expect(reply.body.code).to.be.oneOf(['forbidden', 'guild_api_unavailable']);
      });
    });
  });
});
