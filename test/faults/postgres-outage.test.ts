import { expect } from 'chai';
import { characterRefreshJob, PRIORITY } from '../../src/queue/character-refresh.js';
import { findGuild, type SimGuild } from '../../src/sim/index.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { startTcpProxy, targetOf, type TcpProxy } from '../helpers/tcp-proxy.js';
import { testDatabaseUrl } from '../helpers/test-env.js';
import { expectedItemLevel, sql, waitForIdle } from '../helpers/worker.js';
import { requeueFailedRefreshes } from '../../src/worker/sweep.js';
import { bearer, call, eventually, jobStates, metricsOf, ownGuild, sample, sleep, type Reply } from './support.js';

/**
 * PostgreSQL becomes unreachable for the api and the worker (both reach it through a proxy the test severs)
 * while Redis stays up. The shared database server itself is never stopped.
 */
describe('fault: PostgreSQL unreachable while the api and the worker run', function () {
  this.timeout(60_000);
  const spec = ownGuild(12, 'Dry Well');
  let stack: Stack;
  let proxy: TcpProxy;
  let guild: SimGuild;
  let gm: number;
  let apiUrl: string;
  let workerUrl: string;

  const as = (bnetId: number) => ({ headers: bearer(stack.sim.tokenFor(bnetId)) });
  const characterPath = (name: string) => `/guilds/${spec.id}/progress/character/${encodeURIComponent(name)}?realm=${spec.realm}`;
  const progressRows = () =>
    sql<{ name: string; item_level: number | null; fetched_at: Date | null; fetch_status: string }>(
      `select c.name, p.item_level, p.fetched_at, p.fetch_status from characters c join character_progress p on p.character_id = c.id
       where c.region = 'us' and c.realm_slug = $1 order by c.name`,
      [spec.realm],
    );

  before(async () => {
    proxy = await startTcpProxy(targetOf(testDatabaseUrl()));
    stack = await startStack({
      api: true,
      simulator: { seed: spec.id, world: { demo: false, guilds: [spec] } },
      env: { DATABASE_URL: proxy.urlFor(testDatabaseUrl()) },
    });
    apiUrl = stack.api!.url;
    workerUrl = stack.worker!.url;
    guild = findGuild(stack.sim.world, spec.id)!;
    gm = guild.members.find((m) => m.rankId === 0)!.bnetId;
    // Reading the overview tracks the guild; the worker syncs it and fetches every member.
    expect((await call(`${apiUrl}/guilds/${spec.id}/progress/members`, as(gm))).status).to.equal(200);
    await waitForIdle(stack.queues, 30_000);
    expect(await progressRows()).to.have.length(spec.members);
  });
  after(async () => {
    proxy?.restore();
    await stack?.close();
    await proxy?.close();
  });

  it('answers /health 503 database "disconnected" on both processes within 2 s, and 200 again after restore without restart', async () => {
    proxy.cut();
    try {
      for (const url of [apiUrl, workerUrl]) {
        const health = await call(`${url}/health`);
        expect(health.status, url).to.equal(503);
        expect(health.body).to.include({ status: 'unhealthy', database: 'disconnected', redis: 'connected' });
        expect(health.ms, 'health answers within 2 s').to.be.below(2000);
      }
      expect(sample(await metricsOf(apiUrl), 'progress_database_up')).to.equal(0);
    } finally {
      proxy.restore();
    }
    for (const url of [apiUrl, workerUrl]) {
      const health = await eventually(() => call(`${url}/health`), (h) => h.status === 200, 10_000);
      expect(health.body, url).to.include({ status: 'healthy', database: 'connected' });
    }
  });

  it('serves a character view from the Redis cache while the database is gone, and 503 database_unavailable for what is not cached', async () => {
    const cachedName = guild.members.find((m) => m.bnetId === gm)!.characterName;
    const warm = await call(`${apiUrl}${characterPath(cachedName)}`, as(gm));
    expect(warm.status).to.equal(200);
    const again = await call(`${apiUrl}${characterPath(cachedName)}`, as(gm));
    expect(again.body).to.deep.equal(warm.body);

    proxy.cut();
    try {
      const cached = await call(`${apiUrl}${characterPath(cachedName)}`, as(gm));
      expect(cached.status).to.equal(200);
      expect(cached.body).to.deep.equal(warm.body);

      const uncachedName = guild.members.find((m) => m.bnetId !== gm)!.characterName;
      for (const path of [characterPath(uncachedName), `/guilds/${spec.id}/progress/message`, `/guilds/${spec.id}/progress/members?sort=name`]) {
        const reply = await call(`${apiUrl}${path}`, as(gm));
        expect(reply.status, path).to.equal(503);
        expect(reply.body, path).to.deep.equal({ error: 'The database is unavailable, try again shortly', code: 'database_unavailable' });
        expect(reply.headers.get('retry-after'), path).to.match(/^\d+$/);
        expect(reply.ms, `${path} answers fast`).to.be.below(5000);
      }
      // The GM's write cannot be stored either: refused, not lost silently.
      const write = await call(`${apiUrl}/guilds/${spec.id}/progress/message`, {
        method: 'PUT',
        headers: { ...(as(gm).headers as Record<string, string>), 'content-type': 'application/json' },
        body: JSON.stringify({ message: 'written while the database is down' }),
      });
      expect(write.status).to.equal(503);
    } finally {
      proxy.restore();
    }
    const message = await eventually(() => call(`${apiUrl}/guilds/${spec.id}/progress/message`, as(gm)), (r) => r.status === 200);
    expect(message.body.gm_message).to.not.equal('written while the database is down');
  });

  it('fails and retries worker jobs with backoff during the outage, then completes every one after restore', async () => {
    const failedBefore = sample(await metricsOf(workerUrl), 'progress_jobs_total', { queue: 'character-refresh', outcome: 'failed' });
    // New gear for everyone, so each refresh has something new to write once it finally runs.
    for (const m of guild.members) stack.sim.changeGear('us', m.realmSlug, m.characterName);

    proxy.cut();
    const cutAt = new Date();
    try {
      for (const m of guild.members) {
        await characterRefreshJob.enqueue(stack.queues, { region: 'us', realm: m.realmSlug, name: m.characterName, reason: 'manual' }, { priority: PRIORITY.reader });
      }
      // Every job fails its first attempt and waits for its backoff, none is failed for good.
      const states = await eventually(
        () => jobStates(stack.queues.characterRefresh),
        (s) => (s.delayed ?? 0) === spec.members,
        8000,
      );
      expect(states.delayed, JSON.stringify(states)).to.equal(spec.members);
      expect(states.failed).to.equal(0);
      const delayed = await stack.queues.characterRefresh.getJobs(['delayed']);
      for (const job of delayed) {
        expect(job.attemptsMade).to.be.at.least(1);
        expect(job.attemptsMade).to.be.below(job.opts.attempts ?? 1);
        expect(job.failedReason, 'the reason is kept on the job').to.be.a('string').and.not.equal('');
      }
      // A retry is spaced out by the backoff, not attempted again at once.
      const attempts = delayed.map((j) => j.attemptsMade);
      await sleep(1000);
      const later = await stack.queues.characterRefresh.getJobs(['delayed']);
      expect(later.map((j) => j.attemptsMade).reduce((a, b) => a + b, 0)).to.equal(attempts.reduce((a, b) => a + b, 0));
      expect(sample(await metricsOf(workerUrl), 'progress_jobs_total', { queue: 'character-refresh', outcome: 'failed' })).to.be.at.least(failedBefore + spec.members);
    } finally {
      proxy.restore();
    }

    await waitForIdle(stack.queues, 40_000);
    const states = await jobStates(stack.queues.characterRefresh);
    expect(states.failed, 'no job failed for good').to.equal(0);
    const rows = await progressRows();
    expect(rows).to.have.length(spec.members);
    for (const row of rows) {
      const character = stack.sim.world.characters.get(`us/${spec.realm}/${row.name.toLowerCase()}`)!;
      expect(row.fetch_status, row.name).to.equal('ok');
      expect(row.fetched_at!.getTime(), `${row.name} refreshed after the outage`).to.be.greaterThan(cutAt.getTime());
      expect(row.item_level, row.name).to.equal(expectedItemLevel(character));
    }
  });
  it('answers every read within 5 s (503, or 200 from the cache) while the database is a black hole for 12 s', async () => {
    // The freeze lasts four client-side query timeouts: long enough that a read held for the whole freeze
    // would show, as a 40 s one would, without spending 40 s of the suite on it.
    const cachedName = guild.members.find((m) => m.bnetId === gm)!.characterName;
    expect((await call(`${apiUrl}${characterPath(cachedName)}`, as(gm))).status).to.equal(200);
    const uncachedName = guild.members.find((m) => m.bnetId !== gm && m.characterName !== cachedName)!.characterName;
    const paths = [
      characterPath(cachedName),
      characterPath(uncachedName),
      `/guilds/${spec.id}/progress/message`,
      `/guilds/${spec.id}/progress/members?sort=name&limit=7`,
      `/guilds/${spec.id}/progress/characters`,
    ];
    const replies: Array<Reply & { path: string }> = [];
    proxy.freeze();
    const frozenAt = Date.now();
    try {
      while (Date.now() - frozenAt < 12_000) {
        const round = await Promise.all(paths.map(async (path) => ({ ...(await call(`${apiUrl}${path}`, as(gm))), path })));
        replies.push(...round);
        await sleep(500);
      }
    } finally {
      proxy.thaw();
    }
    const slowest = Math.max(...replies.map((r) => r.ms));
    expect(replies.length).to.be.at.least(10);
    for (const reply of replies) {
      expect(reply.ms, `${reply.path} answered in ${Math.round(reply.ms)} ms`).to.be.below(5000);
      if (reply.path === paths[0]) expect(reply.status, 'the cached view is served').to.equal(200);
      else expect(reply.status, reply.path).to.equal(503);
      if (reply.status === 503) expect(reply.body.code).to.equal('database_unavailable');
    }
    const back = await eventually(() => call(`${apiUrl}/guilds/${spec.id}/progress/message`, as(gm)), (r) => r.status === 200, 20_000);
    expect(back.status, 'reads recover once the database answers again').to.equal(200);
    console.log(`      ${replies.length} reads during a 12 s freeze, slowest ${Math.round(slowest)} ms`);
  });

  it('re-enqueues a refresh that failed for good because of the database, never one Battle.net failed', async () => {
    const [ours, theirs] = guild.members.filter((m) => m.bnetId !== gm).slice(-2);
    const refresh = (m: NonNullable<typeof ours>) => ({ region: 'us' as const, realm: m.realmSlug, name: m.characterName, reason: 'manual' as const });
    const failedJobs = () => stack.queues.characterRefresh.getJobs(['failed']);
    const single = { ...characterRefreshJob.options, attempts: 1 };

    proxy.cut();
    try {
      await stack.queues.characterRefresh.add(characterRefreshJob.name, refresh(ours!), single);
      await eventually(failedJobs, (jobs) => jobs.some((j) => j.data.name === ours!.characterName), 10_000);
    } finally {
      proxy.restore();
    }
    stack.sim.setFaults({ outage: true });
    try {
      await stack.queues.characterRefresh.add(characterRefreshJob.name, refresh(theirs!), single);
      await eventually(failedJobs, (jobs) => jobs.some((j) => j.data.name === theirs!.characterName), 10_000);
    } finally {
      stack.sim.setFaults({ outage: false });
    }
    const sweptAt = new Date();
    await eventually(() => call(`${workerUrl}/health`), (h) => h.status === 200, 10_000);
    expect(await requeueFailedRefreshes(stack.worker!.ctx)).to.equal(1);
    await waitForIdle(stack.queues, 20_000);
    const [row] = (await progressRows()).filter((r) => r.name === ours!.characterName);
    expect(row?.fetch_status).to.equal('ok');
    expect(row!.fetched_at!.getTime(), 'refreshed by the re-enqueued job').to.be.greaterThan(sweptAt.getTime());
    const left = await failedJobs();
    expect(left.map((j) => j.data.name)).to.deep.equal([theirs!.characterName]);
    expect(left[0]!.failedReason).to.match(/^Battle\.net unavailable/);
  });
});
