import { expect } from 'chai';
import { characterRefreshJob, PRIORITY } from '../../src/queue/character-refresh.js';
import { findGuild, type SimGuild } from '../../src/sim/index.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { waitFor, waitForIdle } from '../helpers/worker.js';
import { bearer, call, metricsOf, ownGuild, sample } from './support.js';

/**
 * What operators watch (docs/reliability.md) must be there and must move: traffic, a failure and a 429 are driven
 * through the system and both processes' /metrics are read before and after.
 */
describe('watching it: the documented metrics exist and move', function () {
  this.timeout(60_000);
  const spec = ownGuild(4, 'Watch Tower');
  let stack: Stack;
  let guild: SimGuild;
  let gm: number;
  let apiUrl: string;
  let workerUrl: string;

  before(async () => {
    stack = await startStack({ api: true, simulator: { seed: spec.id, world: { demo: false, guilds: [spec] } } });
    apiUrl = stack.api!.url;
    workerUrl = stack.worker!.url;
    guild = findGuild(stack.sim.world, spec.id)!;
    gm = guild.members.find((m) => m.rankId === 0)!.bnetId;
  });
  after(async () => {
    await stack?.close();
  });

  it('reports PostgreSQL and Redis as up on a plain scrape, without anyone calling /health first', async () => {
    for (const url of [apiUrl, workerUrl]) {
      const text = await metricsOf(url);
      expect(sample(text, 'progress_database_up'), `${url} database`).to.equal(1);
      expect(sample(text, 'progress_redis_up'), `${url} redis`).to.equal(1);
    }
  });

  it('moves request, cache, upstream, quota, queue and failure metrics under traffic, a failure and a 429', async () => {
    const api0 = await metricsOf(apiUrl);
    const worker0 = await metricsOf(workerUrl);
    const as = { headers: bearer(stack.sim.tokenFor(gm)) };
    const name = guild.members.find((m) => m.bnetId === gm)!.characterName;
    const characterUrl = `${apiUrl}/guilds/${spec.id}/progress/character/${encodeURIComponent(name)}?realm=${spec.realm}`;

    // Traffic: the guild is tracked and synced; the character view misses, then hits the cache.
    expect((await call(`${apiUrl}/guilds/${spec.id}/progress/members`, as)).status).to.equal(200);
    await waitForIdle(stack.queues, 20_000);
    for (let i = 0; i < 5; i += 1) expect((await call(characterUrl, as)).status).to.equal(200);
    // Client errors and an upstream failure.
    expect((await call(`${apiUrl}/guilds/${spec.id}/progress/members`)).status).to.equal(401);
    stack.sim.setFaults({ guildApiDown: true });
    expect((await call(`${apiUrl}/guilds/424242/progress/roadmap`, as)).status).to.equal(503);
    // A failing job: Battle.net sends a body that cannot be used, which fails the job for good.
    stack.sim.setFaults({ guildApiDown: false, malformed: true });
    const other = guild.members.find((m) => m.bnetId !== gm)!;
    stack.sim.changeGear('us', other.realmSlug, other.characterName);
    await characterRefreshJob.enqueue(stack.queues, { region: 'us', realm: other.realmSlug, name: other.characterName, reason: 'manual' }, { priority: PRIORITY.reader });
    await waitFor(async () => sample(await metricsOf(workerUrl), 'progress_jobs_total', { outcome: 'failed' }) > sample(worker0, 'progress_jobs_total', { outcome: 'failed' }) || undefined, 15_000, 'a failed job');
    // A 429 from Battle.net.
    stack.sim.setFaults({ malformed: false, forceRateLimitMs: 1500 });
    await characterRefreshJob.enqueue(stack.queues, { region: 'us', realm: spec.realm, name, reason: 'manual' }, { priority: PRIORITY.reader });
    await waitFor(async () => sample(await metricsOf(workerUrl), 'progress_upstream_rate_limited_total', { upstream: 'blizzard' }) > 0 || undefined, 15_000, 'a 429');
    stack.sim.resetFaults();
    // No wait here: the worker counts its queues when /metrics is scraped.

    const api1 = await metricsOf(apiUrl);
    const worker1 = await metricsOf(workerUrl);
    const moved = (text0: string, text1: string, metric: string, labels: Record<string, string> = {}) =>
      sample(text1, metric, labels) - sample(text0, metric, labels);

    // Request duration and error rate by route (templates, never raw paths).
    expect(moved(api0, api1, 'http_request_duration_seconds_count', { route: '/guilds/:guild_id/progress/character/:character_name' })).to.be.at.least(5);
    expect(moved(api0, api1, 'http_requests_total', { route: '/guilds/:guild_id/progress/members', status: '401' })).to.equal(1);
    expect(moved(api0, api1, 'http_requests_total', { status: '503' })).to.be.at.least(1);
    expect(api1).to.not.contain(`/guilds/${spec.id}/`);
    // Cache hits and misses of character reads.
    expect(moved(api0, api1, 'progress_cache_misses_total', { kind: 'character' })).to.be.at.least(1);
    expect(moved(api0, api1, 'progress_cache_hits_total', { kind: 'character' })).to.be.at.least(3);
    // Database pool and dependency gauges are exported.
    for (const gauge of ['progress_db_pool_in_use', 'progress_db_pool_waiting', 'progress_database_up', 'progress_redis_up']) {
      expect(api1, gauge).to.match(new RegExp(`^${gauge}\\{[^}]*\\} \\d+`, 'm'));
    }
    // guild-api calls, by outcome, from the api.
    expect(moved(api0, api1, 'progress_upstream_requests_total', { upstream: 'guild_api' })).to.be.at.least(2);
    // Battle.net calls, 429s and the remaining quota, from the worker.
    expect(moved(worker0, worker1, 'progress_upstream_requests_total', { upstream: 'blizzard', outcome: 'ok' })).to.be.at.least(spec.members);
    expect(moved(worker0, worker1, 'progress_upstream_requests_total', { upstream: 'blizzard', outcome: 'bad_data' })).to.be.at.least(1);
    expect(moved(worker0, worker1, 'progress_upstream_rate_limited_total', { upstream: 'blizzard' })).to.be.at.least(1);
    const quota = sample(worker1, 'progress_upstream_quota_remaining', { upstream: 'blizzard' });
    expect(quota).to.be.greaterThan(0);
    expect(quota).to.be.below(stack.config.blizzard.quotaPerHour);
    // Jobs by outcome, their duration, and queue depth.
    expect(moved(worker0, worker1, 'progress_jobs_total', { queue: 'character-refresh', outcome: 'completed' })).to.be.at.least(spec.members);
    expect(moved(worker0, worker1, 'progress_jobs_total', { queue: 'character-refresh', outcome: 'failed' })).to.be.at.least(1);
    expect(moved(worker0, worker1, 'progress_job_duration_seconds_count', { queue: 'guild-sync' })).to.be.at.least(1);
    expect(worker1).to.match(/^progress_queue_jobs\{[^}]*queue="character-refresh"[^}]*state="failed"[^}]*\} [1-9]/m);
  });
});
