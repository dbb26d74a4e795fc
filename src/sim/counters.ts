/** What the simulated upstreams saw, for tests and benchmarks to compare with what the clients claim. */
export interface SimCounters {
  blizzard: {
    /** API requests (token calls excluded). */
    requests: number;
    /** Requests by path (without the query string), e.g. "/blizzard/us/profile/wow/character/area-52/thrall". */
    byPath: Record<string, number>;
    /** 429 answers, forced or over quota. */
    rateLimited: number;
    notModified: number;
    /** Requests that arrived beyond `perSecondQuota` in their wall-clock second. */
    overQuota: number;
    /** Requests that arrived per wall-clock second (unix seconds → count). */
    perSecond: Record<number, number>;
    tokenRequests: number;
  };
  wcl: { requests: number; tokenRequests: number };
  guildApi: { requests: number; byPath: Record<string, number> };
}

export function emptyCounters(): SimCounters {
  return {
    blizzard: { requests: 0, byPath: {}, rateLimited: 0, notModified: 0, overQuota: 0, perSecond: {}, tokenRequests: 0 },
    wcl: { requests: 0, tokenRequests: 0 },
    guildApi: { requests: 0, byPath: {} },
  };
}

/** The requests Battle.net has counted in the last hour, for the hourly quota. */
export function requestsInLastHour(perSecond: Record<number, number>, nowSecond: number): number {
  let total = 0;
  for (const [second, count] of Object.entries(perSecond)) {
    if (Number(second) > nowSecond - 3600) total += count;
  }
  return total;
}
