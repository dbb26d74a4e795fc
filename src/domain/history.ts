import { addDays, dayNumber } from './dates.js';
import type { RegionCode } from './regions.js';
import { DEFAULT_RESETS, type ResetSchedule } from './resets.js';
import { weekAt } from './season.js';
import type { SeasonPlan } from './types.js';

/** One week of the target line a history chart draws under the item-level points. */
export interface TargetWeek {
  week: number;
  /** The reset instant the week begins at in the region (possibly before the range asked for). */
  startsAt: Date;
  /** The UTC day of startsAt, YYYY-MM-DD. */
  startDate: string;
  targetIlvl: number;
}

/** The UTC days a history of `weeks` weeks ending on `today` covers, both ends included. */
export function historyRange(today: string, weeks: number): { from: string; to: string } {
  return { from: addDays(today, 1 - 7 * weeks), to: today };
}

/** A plan cannot have more distinct weeks between two instants than this; it only guards the loop. */
const MAX_LINE_WEEKS = 10_000;

/**
 * Every week in force at some instant of [from, to] in a region, in order, each with its target: the same week
 * rule as every other target the api shows (weekAt), walked from one week's end to the next.
 */
export function targetLine(
  plan: SeasonPlan,
  from: Date,
  to: Date,
  region: RegionCode,
  schedule: ResetSchedule = DEFAULT_RESETS,
): TargetWeek[] {
  const line: TargetWeek[] = [];
  let at = from;
  for (let guard = 0; at.getTime() <= to.getTime() && guard < MAX_LINE_WEEKS; guard += 1) {
    const current = weekAt(plan, at, region, schedule);
    // A plan row and a reset can end a week at different instants; the week itself is listed once.
    if (line.at(-1)?.week !== current.week) {
      line.push({ week: current.week, startsAt: current.startsAt, startDate: current.startDate, targetIlvl: current.targetIlvl });
    }
    at = current.endsAt;
  }
  return line;
}

/**
 * The week in force at the end of a UTC day (a day's point is the last item level seen that day), or at `until`
 * when that comes first; undefined before the line begins.
 */
export function targetOnDay(line: readonly TargetWeek[], date: string, until?: Date): TargetWeek | undefined {
  const endOfDay = (dayNumber(date) + 1) * 86_400_000 - 1;
  const at = until ? Math.min(endOfDay, until.getTime()) : endOfDay;
  return line.filter((w) => w.startsAt.getTime() <= at).at(-1);
}
