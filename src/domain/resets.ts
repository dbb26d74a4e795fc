import { REGIONS, type RegionCode } from './regions.js';

/**
 * Weekly resets are instants: the moment of the week, in UTC, when a region's raid lockouts and vault turn over.
 * They are data (Blizzard has moved them before), with these defaults and a configuration override.
 */
export interface WeeklyReset {
  /** Day of the week in UTC, 0 = Sunday … 6 = Saturday. */
  weekday: number;
  /** Minutes after 00:00 UTC on that day. */
  minuteOfDay: number;
}

export type ResetSchedule = Readonly<Record<RegionCode, WeeklyReset>>;

const MS_PER_MINUTE = 60_000;
const MS_PER_DAY = 86_400_000;
export const MS_PER_WEEK = 7 * MS_PER_DAY;

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;

/**
 * US (with its oceanic and Latin realms) Tuesday 15:00 UTC, EU Wednesday 04:00 UTC, KR and TW Wednesday 23:00 UTC
 * (Thursday 08:00 and 07:00 local).
 */
export const DEFAULT_RESETS: ResetSchedule = Object.freeze({
  us: Object.freeze({ weekday: 2, minuteOfDay: 15 * 60 }),
  eu: Object.freeze({ weekday: 3, minuteOfDay: 4 * 60 }),
  kr: Object.freeze({ weekday: 3, minuteOfDay: 23 * 60 }),
  tw: Object.freeze({ weekday: 3, minuteOfDay: 23 * 60 }),
});

const RESET_TEXT = /^([a-z]+)\s+([01]?\d|2[0-3]):([0-5]\d)$/;

/**
 * Reads a reset as operators write it: a weekday (full English name or its first three letters) and a UTC
 * time, e.g. "tue 15:00" or "Wednesday 04:00". Throws a RangeError saying what is expected otherwise.
 */
export function parseWeeklyReset(text: string): WeeklyReset {
  const match = RESET_TEXT.exec(text.trim().toLowerCase());
  const day = match ? WEEKDAYS.findIndex((d) => d === match[1] || (match[1]?.length === 3 && d.startsWith(match[1]))) : -1;
  if (!match || day < 0) throw new RangeError(`"${text}" is not a weekly reset: expected a weekday and a UTC time, e.g. "tue 15:00"`);
  return { weekday: day, minuteOfDay: Number(match[2]) * 60 + Number(match[3]) };
}

export function formatWeeklyReset(reset: WeeklyReset): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${WEEKDAYS[reset.weekday]?.slice(0, 3)} ${pad(Math.floor(reset.minuteOfDay / 60))}:${pad(reset.minuteOfDay % 60)}`;
}

/** The defaults with some regions replaced. */
export function resetSchedule(overrides: Partial<Record<RegionCode, WeeklyReset>> = {}): ResetSchedule {
  const schedule = {} as Record<RegionCode, WeeklyReset>;
  for (const region of REGIONS) schedule[region] = Object.freeze({ ...(overrides[region] ?? DEFAULT_RESETS[region]) });
  return Object.freeze(schedule);
}

function utcMidnight(date: string): number {
  const ms = Date.parse(`${date}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== date) {
    throw new RangeError(`Not a calendar date (YYYY-MM-DD): ${date}`);
  }
  return ms;
}

/**
 * The instant a plan week begins in a region. A plan names each week by the day of the US reset; every region
 * begins the same week at its own first reset from that day on (with the defaults: US that Tuesday at 15:00, EU
 * the Wednesday at 04:00, KR and TW the Wednesday at 23:00, all UTC). Every week therefore begins at a reset, and
 * a moved reset moves the weeks of plans already stored. A global week (the launch) begins on its day at the US
 * reset hour in every region.
 */
export function weekStartsAt(usResetDay: string, region: RegionCode, schedule: ResetSchedule, isGlobal = false): Date {
  const midnight = utcMidnight(usResetDay);
  if (isGlobal) return new Date(midnight + schedule.us.minuteOfDay * MS_PER_MINUTE);
  return nextResetAfter(new Date(midnight - 1), region, schedule);
}

/** The region's first weekly reset strictly after an instant. */
export function nextResetAfter(at: Date, region: RegionCode, schedule: ResetSchedule): Date {
  const reset = schedule[region];
  const t = at.getTime();
  const midnight = Math.floor(t / MS_PER_DAY) * MS_PER_DAY;
  const daysAhead = (reset.weekday - new Date(midnight).getUTCDay() + 7) % 7;
  let candidate = midnight + daysAhead * MS_PER_DAY + reset.minuteOfDay * MS_PER_MINUTE;
  if (candidate <= t) candidate += MS_PER_WEEK;
  return new Date(candidate);
}
