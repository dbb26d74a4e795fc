import { expect } from 'chai';
import type { Redis } from 'ioredis';
import { closeQueues, createQueues, type Queues } from '../../src/queue/queues.js';
import { createRedis } from '../../src/redis.js';
import { findGuild, type SimGuild } from '../../src/sim/index.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { startTcpProxy, targetOf, type TcpProxy } from '../helpers/tcp-proxy.js';
import { REDIS_URL } from '../helpers/test-env.js';
import { sql, syncFromGuildApi, waitFor, waitForIdle } from '../helpers/worker.js';
import { bearer, call, eventually, jobStates, metricsOf, ownGuild, sample, sleep } from './support.js';

/**
 * Redis becomes unreachable for the api and the worker (both reach it through a proxy the test severs) while
 * PostgreSQL stays up. The test watches the queues through handles of its own that talk to Redis directly.
 */
describe('fault: Redis unreachable while the api and the worker run', function () {
  this.timeout(90_000);
  const spec = ownGuild(10, 'Cold Cache');
  const late = ownGuild(40, 'Late Sync');
  let stack: Stack;
  let proxy: TcpProxy;
  let direct: Redis;
  let queues: Queues;
  let guild: SimGuild;
  let gm: number;
  let apiUrl: string;
  let workerUrl: string;

  const as = (bnetId: number) => ({ headers: bearer(stack.sim.tokenFor(bnetId)) });
  const progressCount = async (realm: string) =>
    Number((await sql<{ n: string }>(`select count(*) as n from characters c join character_progress p on p.character_id = c.id where c.realm_slug = $1 and p.fetch_status = 'ok'`, [realm]))[0]?.n);
  const allQueues = async () => Object.fromEntries(await Promise.all(Object.entries(queues).map(async ([name, q]) => [name, await jobStates(q)])));

  before(async () => {
    proxy = await startTcpProxy(targetOf(REDIS_URL));
    stack = await startStack({
      api: true,
      simulator: { seed: spec.id, world: { demo: false, guilds: [spec, late] } },
      env: { REDIS_URL: proxy.urlFor(REDIS_URL) },
    });
    apiUrl = stack.api!.url;
    workerUrl = stack.worker!.url;
    // The stack's own producer handles share the severed path; their reconnect errors are expected here.
    for (const queue of Object.values(stack.queues)) queue.on('error', () => undefined);
    direct = createRedis(REDIS_URL, 'worker');
    queues = createQueues(direct, stack.config.redisPrefix);
    guild = findGuild(stack.sim.world, spec.id)!;
    gm = guild.members.find((m) => m.rankId === 0)!.bnetId;
    expect((await call(`${apiUrl}/guilds/${spec.id}/progress/members`, as(gm))).status).to.equal(200);
    await waitForIdle(queues, 30_000);
    expect(await progressCount(spec.realm)).to.equal(spec.members);
  });
  after(async () => {
    proxy?.restore();
    if (queues) await closeQueues(queues);
    direct?.disconnect();
    await stack?.close();
    await proxy?.close();
  });

  it('answers /health 503 redis "disconnected" on both processes within 2 s, and 200 again after restore without restart', async () => {
    proxy.cut();
    try {
      for (const url of [apiUrl, workerUrl]) {
        const health = await call(`${url}/health`);
        expect(health.status, url).to.equal(503);
        expect(health.body).to.include({ status: 'unhealthy', database: 'connected', redis: 'disconnected' });
        expect(health.ms).to.be.below(2000);
      }
      expect(sample(await metricsOf(apiUrl), 'progress_redis_up')).to.equal(0);
    } finally {
      proxy.restore();
    }
    for (const url of [apiUrl, workerUrl]) {
      const health = await eventually(() => call(`${url}/health`), (h) => h.status === 200, 15_000);
      expect(health.body, url).to.include({ status: 'healthy', redis: 'connected' });
    }
  });

  it('serves reads straight from PostgreSQL, flagged stale, without caching or enqueueing anything', async () => {
    const before = await allQueues();
    const checksBefore = stack.sim.counters().guildApi.requests;
    const name = guild.members.find((m) => m.bnetId === gm)!.characterName;
    proxy.cut();
    try {
      await waitFor(async () => stack.api!.deps.redis.status !== 'ready' || undefined, 5000, 'the api to notice Redis is gone');
      const view = await call(`${apiUrl}/guilds/${spec.id}/progress/character/${encodeURIComponent(name)}?realm=${spec.realm}`, as(gm));
      expect(view.status).to.equal(200);
      expect(view.body.character.stale).to.equal(true);
      expect(view.body.character.notice).to.be.a('string').and.match(/cannot be refreshed/);
      expect(view.body.character.current_ilvl).to.be.a('number');

      const overview = await call(`${apiUrl}/guilds/${spec.id}/progress/members?sort=name`, as(gm));
      expect(overview.status).to.equal(200);
      expect(overview.body.members).to.have.length(spec.members);

      const mine = await call(`${apiUrl}/guilds/${spec.id}/progress/characters`, as(gm));
      expect(mine.status).to.equal(200);
      for (const c of mine.body.characters) expect(c.stale, c.character_name).to.equal(true);
      // Without a cache, each permission is asked of guild-api again.
      expect(stack.sim.counters().guildApi.requests).to.be.greaterThan(checksBefore);

      // A character that was never fetched cannot be fetched now: a quick, clear 503, not a hung request.
      const unknown = await call(`${apiUrl}/guilds/${spec.id}/progress/character/Neverseen?realm=${spec.realm}`, as(gm));
      expect(unknown.status).to.be.oneOf([404, 503]);
      expect(unknown.ms).to.be.below(5000);
    } finally {
      proxy.restore();
    }
    // Both of the api's connections: the one for reads and caches, and the one its producers queue with.
    const apiConnections = () => [stack.api!.deps.redis, stack.api!.deps.queueConnection];
    await waitFor(async () => apiConnections().every((c) => c.status === 'ready') || undefined, 15_000, 'the api to reconnect');
    expect(await allQueues(), 'nothing was enqueued while Redis was down').to.deep.equal(before);
    const fresh = await call(`${apiUrl}/guilds/${spec.id}/progress/character/${encodeURIComponent(name)}?realm=${spec.realm}`, as(gm));
    expect(fresh.body.character.stale, JSON.stringify(fresh.body.character).slice(0, 600)).to.equal(false);
  });

  it('loses no job when Redis drops in the middle of a sync: the queues resume after restore and finish it', async () => {
    // Slow answers keep jobs in flight when the connection drops.
    stack.sim.setFaults({ latencyMs: 150 });
    try {
      await syncFromGuildApi(stack.sim, queues, late.id);
      await waitFor(async () => (await progressCount(late.realm)) >= 5 || undefined, 20_000, 'the sync to be under way');
      proxy.cut();
      const atCut = await progressCount(late.realm);
      const queuedAtCut = await jobStates(queues.characterRefresh);
      await sleep(3000);
      proxy.restore();
      expect(atCut, 'the outage hit the middle of the sync').to.be.below(late.members);
      const unfinished = (queuedAtCut.active ?? 0) + (queuedAtCut.waiting ?? 0) + (queuedAtCut.prioritized ?? 0);
      expect(unfinished, 'refreshes were queued or running when Redis went away').to.be.greaterThan(0);
      await waitForIdle(queues, 45_000);
    } finally {
      stack.sim.setFaults({ latencyMs: 0 });
    }
    expect(await progressCount(late.realm)).to.equal(late.members);
    const refreshes = await jobStates(queues.characterRefresh);
    expect(refreshes.failed, 'no refresh failed for good').to.equal(0);
    expect((await jobStates(queues.guildSync)).failed).to.equal(0);
    const memberships = await sql<{ n: string }>('select count(*) as n from guild_memberships where guild_id = $1 and left_at is null', [late.id]);
    expect(Number(memberships[0]?.n)).to.equal(late.members);
  });

  // Last: a freeze leaves the proxy's sockets in a state the cut-and-restore tests above do not expect.
  it('answers reads within seconds while Redis is frozen (connections open, nothing answers), as when it is down', async () => {
    const name = guild.members.find((m) => m.bnetId === gm)!.characterName;
    const paths = [`/guilds/${spec.id}/progress/character/${encodeURIComponent(name)}?realm=${spec.realm}`, `/guilds/${spec.id}/progress/members?sort=name`];
    const replies: Array<{ status: number; ms: number }> = [];
    proxy.freeze();
    try {
      for (let i = 0; i < 6; i += 1) {
        for (const path of paths) replies.push(await call(`${apiUrl}${path}`, as(gm)));
      }
    } finally {
      proxy.thaw();
    }
    // The first command to time out (1.5 s) drops the connection; from then on Redis counts as down.
    expect(replies.map((r) => r.status)).to.deep.equal(replies.map(() => 200));
    for (const reply of replies) expect(reply.ms).to.be.below(4000);
    for (const reply of replies.slice(4)) expect(reply.ms, 'once the connection is dropped').to.be.below(1000);
    await waitFor(
      async () => [stack.api!.deps.redis, stack.api!.deps.queueConnection].every((c) => c.status === 'ready') || undefined,
      30_000,
      'the api back on Redis',
    ).catch((err: Error) => {
      throw new Error(`${err.message}: ${stack.api!.deps.redis.status}/${stack.api!.deps.queueConnection.status}`);
    });
    console.log(`      ${replies.length} reads during a Redis freeze: ${replies.map((r) => Math.round(r.ms)).join(', ')} ms`);
  });

});
