import { addDays, dateOfDay, dayNumber } from './dates.js';
import type { RegionCode, SeasonPlan, SeasonWeek } from './types.js';

/** Regions whose weekly reset comes a day after the US one (Wednesday instead of Tuesday). */
const WEDNESDAY_RESET_REGIONS: ReadonlySet<RegionCode> = new Set<RegionCode>(['eu', 'kr']);

export interface CurrentWeek {
  week: number;
  targetIlvl: number;
  /** Start of the week in the asked region, YYYY-MM-DD. */
  startDate: string;
  description: string;
}

export interface RoadmapWeek extends CurrentWeek {
  isCurrent: boolean;
}

/** The day a plan week begins in a region; a global week (launch) begins everywhere on its listed day. */
export function regionalStartDate(week: SeasonWeek, region: RegionCode): string {
  return week.isGlobal || !WEDNESDAY_RESET_REGIONS.has(region) ? week.startDate : addDays(week.startDate, 1);
}

/** Plan files may list weeks in any order; the rules need them in week order. */
function orderedWeeks(plan: SeasonPlan): SeasonWeek[] {
  if (plan.weeks.length === 0) throw new RangeError(`Season plan ${plan.expansion} ${plan.season} has no weeks`);
  return [...plan.weeks].sort((a, b) => a.week - b.week);
}

/** The plan row in force on a day: the last one already started there, or the first before the season begins. */
function rowInForce(weeks: readonly SeasonWeek[], today: number, region: RegionCode): SeasonWeek {
  let inForce = weeks[0] as SeasonWeek;
  for (const week of weeks) {
    if (dayNumber(regionalStartDate(week, region)) <= today) inForce = week;
  }
  return inForce;
}

/**
 * The week of the season on a date in a region. Past the last dated week the count goes on, one week per seven
 * days, while the last target stays, so a plan that is not extended in time still gives a sensible answer.
 */
export function weekFor(plan: SeasonPlan, date: string, region: RegionCode): CurrentWeek {
  const weeks = orderedWeeks(plan);
  const today = dayNumber(date);
  const row = rowInForce(weeks, today, region);
  const rowStart = regionalStartDate(row, region);
  const weeksPastRow = Math.floor((today - dayNumber(rowStart)) / 7);
  if (row === weeks[weeks.length - 1] && weeksPastRow > 0) {
    const week = row.week + weeksPastRow;
    return {
      week,
      targetIlvl: row.targetIlvl,
      startDate: dateOfDay(dayNumber(rowStart) + 7 * weeksPastRow),
      description: `Week ${week}: the week ${row.week} target still applies`,
    };
  }
  return { week: row.week, targetIlvl: row.targetIlvl, startDate: rowStart, description: row.description };
}

/**
 * Every week of the plan in order with its regional start. The current flag marks the row whose target is in
 * force, so past the end of the plan it stays on the last row.
 */
export function roadmap(plan: SeasonPlan, date: string, region: RegionCode): RoadmapWeek[] {
  const weeks = orderedWeeks(plan);
  const inForce = rowInForce(weeks, dayNumber(date), region);
  return weeks.map((week) => ({
    week: week.week,
    startDate: regionalStartDate(week, region),
    targetIlvl: week.targetIlvl,
    description: week.description,
    isCurrent: week === inForce,
  }));
}
