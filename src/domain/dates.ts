/** Calendar dates as YYYY-MM-DD strings, counted in whole UTC days so no time zone can move a reset. */

const MS_PER_DAY = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 for a YYYY-MM-DD date; throws on anything that is not a real calendar date. */
export function dayNumber(date: string): number {
  const match = ISO_DATE.exec(date);
  if (match) {
    const day = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) / MS_PER_DAY;
    // Date.UTC silently rolls 2026-02-30 over into March; the round trip catches that.
    if (dateOfDay(day) === date) return day;
  }
  throw new RangeError(`Not a calendar date (YYYY-MM-DD): ${date}`);
}

export function dateOfDay(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  return dateOfDay(dayNumber(date) + days);
}
