/**
 * Battle.net answered "no such character". That answer is believed for a while (NOT_FOUND_CACHE_TTL) on every
 * path — the character view, "my characters", a guild's fan-out — so an unknown name costs no call until the
 * window has passed, however often it is asked for.
 */
export function isKnownMissing(
  row: { fetchStatus: string | null; fetchedAt: string | Date | null },
  believeForSeconds: number,
  nowMs: number,
): boolean {
  if (row.fetchStatus !== 'not_found' || row.fetchedAt === null) return false;
  const at = row.fetchedAt instanceof Date ? row.fetchedAt.getTime() : Date.parse(row.fetchedAt);
  return nowMs - at < believeForSeconds * 1000;
}
