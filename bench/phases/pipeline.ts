import pg from 'pg';
import { createRedis } from '../../src/redis.js';
import { createQueues, closeQueues } from '../../src/queue/queues.js';
import { guildSyncJob } from '../../src/queue/guild-sync.js';
import { rankName } from '../../src/sim/catalog.js';
import type { SimGuild } from '../../src/sim/index.js';
import { REDIS_URL } from '../../test/helpers/test-env.js';
import { cpuMs } from '../procs.js';
import { scrape, sum } from '../prom.js';
import { round } from '../stats.js';
import type { Stack } from '../stack.js';

export interface SyncRun {
  members: number;
  /** Members whose projection was written; below `members` only when the run timed out. */
  done: number;
  wall_s: number;
  upstream_requests: number;
  /** Battle.net requests per second over the busy window, and that divided by the per-second quota. */
  achieved_rps: number;
  utilisation: number;
  over_quota: number;
  rate_limited: number;
  cpu_ms_per_character: number;
  /** Per-second arrivals at the simulated Battle.net during the run, for plots and the hourly check. */
  per_second: number[];
  /** Unix second of `per_second[0]`. */
  first_second: number;
}

export interface SyncOptions {
  quotaPerSecond: number;
  timeoutMs: number;
}

/**
 * One guild resync as the api starts it after reading the roster from guild-api: a guild-sync job with the
 * members, owners and ranks. Done when every member's projection has been fetched.
 */
export async function syncGuild(stack: Stack, guild: SimGuild, options: SyncOptions): Promise<SyncRun> {
  const db = new pg.Client({ connectionString: stack.databaseUrl });
  await db.connect();
  const connection = createRedis(REDIS_URL, 'worker');
  const queues = createQueues(connection, stack.redisPrefix);
  try {
    const before = stack.sim.counters().blizzard;
    const cpuBefore = await workerCpuMs(stack);
    const startedAt = Date.now();
    // As the api does on reading a guild: guild-api's member list is stored, then the sync refers to it.
    const list = guild.members.map((m) => ({
      characterName: m.characterName,
      realm: m.realmSlug,
      bnetId: m.bnetId,
      rankId: m.rankId,
      rankName: rankName(m.rankId),
    }));
    await db.query(
      `insert into guild_api_rosters (guild_id, members, read_at) values ($1, $2::jsonb, now())
       on conflict (guild_id) do update set members = excluded.members, read_at = excluded.read_at, stored_at = now()`,
      [guild.id, JSON.stringify(list)],
    );
    await guildSyncJob.enqueue(queues, { guild: { id: guild.id, name: guild.name, realm: guild.realm.slug, region: guild.region }, reason: 'manual' });
    const members = guild.members.length;
    let done = 0;
    while (Date.now() - startedAt < options.timeoutMs) {
      done = await fetchedMembers(db, guild.id, startedAt);
      if (done >= members) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const wallMs = Date.now() - startedAt;
    // Jobs still finishing their writes would otherwise land in the next run's CPU figure.
    await new Promise((r) => setTimeout(r, 300));
    const cpuAfter = await workerCpuMs(stack);
    const after = stack.sim.counters().blizzard;
    const { first, series: perSecond } = arrivalsSince(before.perSecond, after.perSecond, Math.floor(startedAt / 1000));
    const busy = busyRate(perSecond);
    return {
      members,
      done,
      wall_s: round(wallMs / 1000, 1),
      upstream_requests: after.requests - before.requests,
      achieved_rps: round(busy, 1),
      utilisation: round(busy / options.quotaPerSecond, 3),
      over_quota: after.overQuota - before.overQuota,
      rate_limited: after.rateLimited - before.rateLimited,
      cpu_ms_per_character: round((cpuAfter - cpuBefore) / Math.max(1, done), 2),
      per_second: perSecond,
      first_second: first,
    };
  } finally {
    await closeQueues(queues);
    connection.disconnect();
    await db.end();
  }
}

async function fetchedMembers(db: pg.Client, guildId: number, since: number): Promise<number> {
  const { rows } = await db.query<{ n: string }>(
    `select count(*) as n from guild_memberships m
       join character_progress p on p.character_id = m.character_id
      where m.guild_id = $1 and m.left_at is null and p.fetched_at >= $2`,
    [guildId, new Date(since - 1000)],
  );
  return Number(rows[0]?.n ?? 0);
}

/** The worker's own CPU counter from /metrics, falling back to /proc when the endpoint is unavailable. */
async function workerCpuMs(stack: Stack): Promise<number> {
  try {
    return sum(await scrape(`${stack.worker.url}/metrics`), 'process_cpu_seconds_total') * 1000;
  } catch {
    return (await cpuMs(stack.worker.child.pid)) ?? Number.NaN;
  }
}

/** Arrivals per second from `fromSecond` on, trimmed of idle seconds at either end. */
function arrivalsSince(before: Record<number, number>, after: Record<number, number>, fromSecond: number): { first: number; series: number[] } {
  const seconds = Object.keys(after).map(Number).filter((s) => s >= fromSecond);
  if (seconds.length === 0) return { first: fromSecond, series: [] };
  let first = Math.min(...seconds);
  const last = Math.max(...seconds);
  const series: number[] = [];
  for (let s = first; s <= last; s += 1) series.push((after[s] ?? 0) - (before[s] ?? 0));
  while (series.length && series[0] === 0) {
    series.shift();
    first += 1;
  }
  while (series.length && series[series.length - 1] === 0) series.pop();
  return { first, series };
}

/**
 * Mean arrivals per second over the busy window. The first and last seconds are partial (the run starts and ends
 * inside them), so they are left out when there is anything in between.
 */
export function busyRate(series: number[]): number {
  const inner = series.length > 2 ? series.slice(1, -1) : series;
  return inner.length ? inner.reduce((a, b) => a + b, 0) / inner.length : 0;
}
