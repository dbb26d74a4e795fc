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
