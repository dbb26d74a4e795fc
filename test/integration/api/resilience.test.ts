import { expect } from 'chai';
import { startApi, type RunningApi } from '../../../src/api/server.js';
import { startStack, type Stack } from '../../helpers/stack.js';
import { startTcpProxy, targetOf, type TcpProxy } from '../../helpers/tcp-proxy.js';
import { REDIS_URL, testConfig, testDatabaseUrl, testLogger } from '../../helpers/test-env.js';
import { waitFor, waitForIdle } from '../../helpers/worker.js';
import { bearer, call, expectError } from './helpers.js';

describe('the read api while Postgres or Redis is down', function () {
  let stack: Stack;
  let api: RunningApi;
  let database: TcpProxy;
  let redis: TcpProxy;
  let url: string;
  const as = (bnetId: number) => ({ headers: bearer(stack.sim.tokenFor(bnetId)) });
  const gallyboss = () => call(`${url}/guilds/1/progress/character/Gallyboss?realm=bleeding-hollow`, as(stack.sim.world.demoUsers.officer));

  before(async () => {
    stack = await startStack();
    database = await startTcpProxy(targetOf(testDatabaseUrl()));
    redis = await startTcpProxy(targetOf(REDIS_URL));
    // The api alone reaches Postgres and Redis through severable proxies; the worker and the test do not.
    const config = testConfig({ ...stack.env, DATABASE_URL: database.urlFor(testDatabaseUrl()), REDIS_URL: redis.urlFor(REDIS_URL) });
    api = await startApi(config, testLogger(), 0, '127.0.0.1');
    url = api.url;
    expect((await gallyboss()).status).to.equal(200);
    await waitForIdle(stack.queues);
  });
  after(async () => {
    database?.restore();
    redis?.restore();
    await api?.close();
    await stack?.close();
    await database?.close();
    await redis?.close();
  });

  it('serves cached character views without Postgres, and 503 database_unavailable for anything uncached', async () => {
    const warm = await gallyboss();
    expect(warm.status).to.equal(200);
    database.cut();
    try {
      const cached = await gallyboss();
      expect(cached.status).to.equal(200);
      expect(cached.body).to.deep.equal(warm.body);
      expectError(await call(`${url}/guilds/1/progress/members?sort=name&limit=3`, as(stack.sim.world.demoUsers.officer)), 503, 'database_unavailable');
      expectError(await call(`${url}/guilds/1/progress/message`, as(stack.sim.world.demoUsers.officer)), 503, 'database_unavailable');
    } finally {
      database.restore();
    }
    expect((await call(`${url}/guilds/1/progress/message`, as(stack.sim.world.demoUsers.officer))).status).to.equal(200);
  });

  it('serves straight from Postgres without Redis: permissions asked of guild-api, data flagged stale', async () => {
    redis.cut();
    try {
      await waitFor(async () => api.deps.redis.status !== 'ready', 5000, 'the api to notice Redis is gone');
      const checksBefore = stack.sim.counters().guildApi.requests;
      const view = await gallyboss();
      expect(view.status).to.equal(200);
      expect(view.body.character.stale).to.equal(true);
      expect(view.body.character.notice).to.be.a('string');
      expect(stack.sim.counters().guildApi.requests).to.be.greaterThan(checksBefore);
      const overview = await call(`${url}/guilds/1/progress/members`, as(stack.sim.world.demoUsers.officer));
      expect(overview.status).to.equal(200);
      expect(overview.body.members.length).to.be.greaterThan(0);
      const mine = await call(`${url}/guilds/1/progress/characters`, as(stack.sim.world.demoUsers.officer));
      expect(mine.status).to.equal(200);
      expect(mine.body.characters[0].stale).to.equal(true);
      const outsider = await call(`${url}/guilds/1/progress/roadmap`, as(stack.sim.world.demoUsers.otherGuildMember));
      expectError(outsider, 403, 'forbidden');
    } finally {
      redis.restore();
    }
    await waitFor(async () => api.deps.redis.status === 'ready', 10_000, 'the api to reconnect to Redis');
    expect((await gallyboss()).body.character.stale).to.equal(false);
  });

  it('stops within seconds while Redis is unreachable, instead of waiting for it to come back', async function () {
    this.timeout(30_000);
    const lone = await startApi(testConfig({ ...stack.env, REDIS_URL: redis.urlFor(REDIS_URL) }), testLogger(), 0, '127.0.0.1');
    redis.cut();
    try {
      await waitFor(async () => lone.deps.redis.status !== 'ready', 5000, 'the api to notice Redis is gone');
      const started = Date.now();
      await lone.close();
      // Each step of closing that waits on Redis is given 5 s; the queues, their event streams and the rest.
      expect(Date.now() - started).to.be.below(20_000);
      expect(lone.deps.redis.status).to.be.oneOf(['end', 'close', 'reconnecting']);
    } finally {
      redis.restore();
    }
  });
});
