import type { SimGuild } from '../../src/sim/index.js';
import { quotaBucketKey, type Stack } from '../stack.js';
import { round } from '../stats.js';
import { busyRate, syncGuild, type SyncRun } from './pipeline.js';

export interface HourlyFigures extends SyncRun {
  /** The upstream's hourly quota expressed as a rate, and the worker's share of it after its headroom. */
  hourly_rate: number;
  quota_per_hour: number;
  /** Requests beyond what the hourly rate allowed at any moment of the run (token bucket of one second's worth). */
  over_hourly: number;
  /** Achieved rate over the hourly rate: ~0.95 when the worker settles under it with its 5 % headroom. */
  hourly_utilisation: number;
}

/**
 * The pipeline late in an hour whose budget is spent. An hour cannot be waited out here, so both sides get a
 * scaled-down hourly quota (the worker's BLIZZARD_QUOTA_PER_HOUR and the simulator's hourlyQuota, ~20/s) and the
 * worker's token bucket starts empty, as it would be after a busy hour. The simulator's own hourly allowance is
 * what it has already seen plus the hourly rate over the expected run, so a worker that ignored the hourly quota
 * would trip it (and be slowed down) well before the end.
 */
export async function measureHourly(
  stack: Stack,
  guild: SimGuild,
  options: { ratePerSecond: number; requestsPerMember: number; perSecondQuota: number },
): Promise<HourlyFigures> {
  const quotaPerHour = Math.round(options.ratePerSecond * 3600);
  await stack.startWorker({ BLIZZARD_QUOTA_PER_HOUR: String(quotaPerHour) });
  try {
    const expectedSeconds = (guild.members.length * options.requestsPerMember) / options.ratePerSecond;
    const seenThisHour = Object.values(stack.sim.counters().blizzard.perSecond).reduce((a, b) => a + b, 0);
    stack.sim.setFaults({ hourlyQuota: Math.round(seenThisHour + options.ratePerSecond * expectedSeconds + options.perSecondQuota) });
    await drainBucket(stack);
    const run = await syncGuild(stack, guild, { quotaPerSecond: options.perSecondQuota, timeoutMs: Math.max(60_000, expectedSeconds * 3000) });
    const achieved = busyRate(run.per_second);
    return {
      ...run,
      hourly_rate: options.ratePerSecond,
      quota_per_hour: quotaPerHour,
      over_hourly: overRate(run.per_second, options.ratePerSecond),
      hourly_utilisation: round(achieved / options.ratePerSecond, 3),
    };
  } finally {
    stack.sim.setFaults({ hourlyQuota: null });
    await stack.startWorker();
  }
}

/** Empties the worker's hourly token bucket, stamped with Redis's clock as the worker's script reads it. */
async function drainBucket(stack: Stack): Promise<void> {
  const [seconds, micros] = await stack.redis.time();
  const now = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
  const key = quotaBucketKey(stack.redisPrefix);
  await stack.redis.multi().hset(key, 'tokens', '0', 'at', String(now)).pexpire(key, 3_600_000).exec();
}

/** Requests beyond a bucket filling at `rate`/s and holding at most one second's worth, over the per-second series. */
export function overRate(series: number[], rate: number): number {
  let tokens = rate;
  let over = 0;
  for (const arrivals of series) {
    const admitted = Math.min(tokens, arrivals);
    over += arrivals - admitted;
    tokens = Math.min(rate, tokens - admitted + rate);
  }
  return Math.round(over);
}
