import type { SimGuild } from '../../src/sim/index.js';
import { quotaBucketKey, type Stack } from '../stack.js';
import { round } from '../stats.js';
import { busyRate, syncGuild, type SyncRun } from './pipeline.js';

export interface HourlyFigures extends SyncRun {
  /** The upstream's hourly quota expressed as a rate, and the worker's share of it after its headroom. */
  hourly_rate: number;
  quota_per_hour: number;
  /** The most requests the run was ever ahead of the hourly rate, counted from the moment the budget was spent. */
  over_hourly: number;
  /** Achieved rate over the hourly rate: ~0.9 when the worker settles under it (5 % headroom, 5 % burst share). */
  hourly_utilisation: number;
}

/**
 * The pipeline late in an hour whose budget is spent. An hour cannot be waited out here, so both sides get a
 * scaled-down hourly quota (the worker's BLIZZARD_QUOTA_PER_HOUR and the simulator's hourlyQuota, ~20/s) and the
 * worker's token bucket starts empty, as it would be after a busy hour. The simulator's own hourly allowance is
 * what it has already seen plus the hourly rate over the expected run, so a worker that ignored the hourly quota
 * would trip it (and be slowed down) well before the end.
 */
const BURST_SHARE = 0.05;

export async function measureHourly(
  stack: Stack,
  guild: SimGuild,
  options: { ratePerSecond: number; requestsPerMember: number; perSecondQuota: number },
): Promise<HourlyFigures> {
  const quotaPerHour = Math.round(options.ratePerSecond * 3600);
  const bucket = quotaBucketKey(stack.redisPrefix);
  const saved = await stack.redis.hgetall(bucket);
  // The smallest burst share leaves the most of the hour to the steady refill this phase measures.
  await stack.startWorker({ BLIZZARD_QUOTA_PER_HOUR: String(quotaPerHour), BLIZZARD_QUOTA_BURST_SHARE: String(BURST_SHARE) });
  try {
    const expectedSeconds = (guild.members.length * options.requestsPerMember) / options.ratePerSecond;
    const seenThisHour = Object.values(stack.sim.counters().blizzard.perSecond).reduce((a, b) => a + b, 0);
    stack.sim.setFaults({ hourlyQuota: Math.round(seenThisHour + options.ratePerSecond * expectedSeconds + options.perSecondQuota) });
    const drainedAt = await drainBucket(stack);
    const run = await syncGuild(stack, guild, { quotaPerSecond: options.perSecondQuota, timeoutMs: Math.max(60_000, expectedSeconds * 3000) });
    const achieved = busyRate(run.per_second);
    return {
      ...run,
      hourly_rate: options.ratePerSecond,
      quota_per_hour: quotaPerHour,
      over_hourly: aheadOfRate(run.per_second, run.first_second - Math.floor(drainedAt / 1000), options.ratePerSecond),
      hourly_utilisation: round(achieved / options.ratePerSecond, 3),
    };
  } finally {
    stack.sim.setFaults({ hourlyQuota: null });
    // The emptied bucket is part of the emulation: later phases get the hour's budget as it was before it.
    await stack.redis.del(bucket);
    if (saved.tokens !== undefined) await stack.redis.hset(bucket, saved);
    await stack.startWorker();
  }
}

/** Empties the worker's hourly token bucket, stamped with Redis's clock as the worker's script reads it; returns that time (ms). */
async function drainBucket(stack: Stack): Promise<number> {
  const [seconds, micros] = await stack.redis.time();
  const now = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
  await stack.redis.multi().hset(quotaBucketKey(stack.redisPrefix), 'tokens', '0', 'at', String(now)).exec();
  return now;
}

/**
 * How far the cumulative arrivals ever ran ahead of `rate` per second since the budget was spent: 0 means the
 * run never used more of the hour than had refilled. `offset` is how many whole seconds after the drain the
 * series starts; the second of the drain counts as a full one (requests are binned by wall-clock second).
 */
export function aheadOfRate(series: number[], offset: number, rate: number): number {
  let arrived = 0;
  let ahead = 0;
  series.forEach((count, i) => {
    arrived += count;
    ahead = Math.max(ahead, arrived - rate * (offset + i + 1));
  });
  return Math.max(0, Math.round(ahead));
}
