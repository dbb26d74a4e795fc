import type { Config } from '../../config.js';
import type { FreshnessSettings } from './policy.js';

/** Demand weight halves over a week: last week's raid nights count half as much as this week's. */
export const DEMAND_HALF_LIFE_MS = 7 * 24 * 3600 * 1000;

/** A picked character whose data has not arrived after this long may be picked again. */
export const RETRY_MS = 120_000;

/** The policy's settings from the configuration. */
export function freshnessSettings(config: Pick<Config, 'characterCacheTtl' | 'notFoundCacheTtl' | 'freshness'>): FreshnessSettings {
  const f = config.freshness;
  const ttlMs = config.characterCacheTtl * 1000;
  return {
    ttlMs,
    // Refreshing a little ahead keeps reads between two ticks (and the refresh's own time) within the TTL.
    leadMs: Math.min(ttlMs / 10, 300_000),
    memberIntervalMs: f.memberIntervalSeconds * 1000,
    maxAgeMs: f.maxAgeSeconds * 1000,
    demandWindowMs: f.demandWindowSeconds * 1000,
    overviewWindowMs: f.overviewWindowSeconds * 1000,
    retirementMs: f.retirementDays * 24 * 3600 * 1000,
    retryMs: RETRY_MS,
    notFoundMs: config.notFoundCacheTtl * 1000,
    demandHalfLifeMs: DEMAND_HALF_LIFE_MS,
  };
}

/**
 * Refreshes the scheduler may start per tick: its share of what the quota gate admits steadily (the hour's
 * budget less headroom, less the burst share the gate keeps for bursts such as a new guild's first sync), spread
 * evenly, at REQUESTS_PER_REFRESH requests each. Fractional; the caller carries the remainder over.
 */
export function refreshesPerTick(
  config: Pick<Config, 'freshness'> & { blizzard: Pick<Config['blizzard'], 'quotaPerHour' | 'quotaHeadroom' | 'quotaBurstShare'> },
  requestsPerRefresh: number,
): number {
  const { quotaPerHour, quotaHeadroom, quotaBurstShare } = config.blizzard;
  const perSecond = (quotaPerHour * (1 - quotaHeadroom) * (1 - quotaBurstShare) * config.freshness.budgetShare) / 3600;
  return (perSecond * config.freshness.tickSeconds) / requestsPerRefresh;
}

/** The key a character's demand is recorded under: the same for the api (which knows names) and the worker. */
export const demandMember = (region: string, realm: string, nameKey: string): string => `${region}/${realm}/${nameKey}`;

/** Refreshes over which the cost estimate mostly forgets older ones. */
export const REFRESH_COST_WINDOW = 1000;

/**
 * Battle.net requests a refresh costs, on average over the recent refreshes: one when the profile answers 304
 * (nothing changed since the last fetch), `max` otherwise. The scheduler divides its request budget by it, so
 * quota a 304 leaves unspent goes to more refreshes. Starts at `max` (nothing known yet) and never leaves
 * [1, max]: a wrong guess only changes how many refreshes wait in the queue, the quota gate still admits the
 * requests.
 */
export class RefreshCost {
  private estimate: number;

  constructor(private readonly max: number) {
    this.estimate = max;
  }

  /** `refreshes` refreshes that made `requests` requests between them. */
  observe(refreshes: number, requests: number): void {
    if (!(refreshes > 0) || !Number.isFinite(requests)) return;
    const weight = Math.min(1, refreshes / REFRESH_COST_WINDOW);
    this.estimate += weight * (requests / refreshes - this.estimate);
  }

  get requestsPerRefresh(): number {
    return Math.min(this.max, Math.max(1, this.estimate));
  }
}
