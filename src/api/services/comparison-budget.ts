import { AppError } from '../../errors.js';
import type { ApiDeps } from '../deps.js';

export type ComparisonBudgetDeps = Pick<ApiDeps, 'config' | 'clock' | 'logger' | 'redis' | 'keys'>;

const DAY_SECONDS = 24 * 3600;

/**
 * Each guild name never asked before can cost a WarcraftLogs lookup and a row, so one guild's members may ask
 * about at most COMPARISON_NAMES_PER_DAY distinct guilds per UTC day (by business time); names already asked
 * that day are free. Counted in Redis, shared by every replica. While Redis is down nothing can be queued for
 * WarcraftLogs either, so the count is skipped rather than refusing everyone.
 */
export async function spendComparisonName(deps: ComparisonBudgetDeps, guildId: number, name: string): Promise<void> {
  const now = deps.clock.now();
  const key = deps.keys.comparisonNames(guildId, now.toISOString().slice(0, 10));
  let added: number;
  let size: number;
  try {
    const replies = await deps.redis.multi().sadd(key, name).scard(key).expire(key, 2 * DAY_SECONDS).exec();
    added = Number(replies?.[0]?.[1] ?? 0);
    size = Number(replies?.[1]?.[1] ?? 0);
  } catch (err) {
    deps.logger.warn({ reason: (err as Error).message }, 'comparison budget not counted: Redis unavailable');
    return;
  }
  if (added === 1 && size > deps.config.comparisonNamesPerDay) {
    await deps.redis.srem(key, name).catch(() => undefined);
    const secondsToMidnight = DAY_SECONDS - Math.floor((now.getTime() / 1000) % DAY_SECONDS);
    throw new AppError(
      429,
      'comparison_limit_reached',
      `This guild has compared itself with ${deps.config.comparisonNamesPerDay} different guilds today; try one of those or wait until tomorrow (UTC)`,
      undefined,
      { 'Retry-After': String(secondsToMidnight) },
    );
  }
}
