export interface Freshness {
  /** What the body says: past its time, last refresh failed, or no way to refresh right now. */
  stale: boolean;
  notice?: string;
  /** Older than the freshness window: a refresh should be enqueued. */
  isExpired: boolean;
  /** The last refresh failed after the data was fetched. */
  refreshFailed: boolean;
  /** How much longer the data counts as fresh; what a cached copy may live. */
  secondsLeft: number;
}

/**
 * How fresh a projection row is. `source` names the upstream in the notice ("Battle.net", "WarcraftLogs");
 * `canRefresh` is false while Redis (and so the queue) is down, when nothing newer can be on its way.
 */
export function freshnessOf(
  row: { fetchedAt: string | null; lastErrorAt: string | null },
  ttlSeconds: number,
  source: string,
  canRefresh: boolean,
  /** Business time in milliseconds, from the injected clock. */
  now: number,
): Freshness {
  const fetchedAt = row.fetchedAt === null ? null : Date.parse(row.fetchedAt);
  const lastErrorAt = row.lastErrorAt === null ? null : Date.parse(row.lastErrorAt);
  const secondsLeft = fetchedAt === null ? 0 : ttlSeconds - (now - fetchedAt) / 1000;
  const isExpired = secondsLeft <= 0;
  const refreshFailed = lastErrorAt !== null && (fetchedAt === null || lastErrorAt > fetchedAt);
  const fresh: Freshness = { stale: isExpired || refreshFailed || !canRefresh, isExpired, refreshFailed, secondsLeft };
  if (refreshFailed) {
    fresh.notice = `The data could not be refreshed: ${source} is unavailable or limiting requests. Showing the last data fetched${row.fetchedAt ? ` at ${row.fetchedAt}` : ''}.`;
  } else if (!canRefresh) {
    fresh.notice = 'The data cannot be refreshed right now; showing the last data stored.';
  }
  return fresh;
}
