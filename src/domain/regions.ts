/**
 * The Battle.net regions the service tracks, in one list every layer builds on (configuration, job payloads,
 * query strings, the simulator, the weekly resets). US includes its oceanic and Latin American realms.
 */
export const REGIONS = ['us', 'eu', 'kr', 'tw'] as const;
export type RegionCode = (typeof REGIONS)[number];

/** WarcraftLogs also ranks Chinese guilds, a region Battle.net's API does not serve. */
export const WARCRAFTLOGS_REGIONS = [...REGIONS, 'cn'] as const;
export type WarcraftLogsRegion = (typeof WARCRAFTLOGS_REGIONS)[number];

export function isRegion(value: unknown): value is RegionCode {
  return typeof value === 'string' && (REGIONS as readonly string[]).includes(value);
}
