import type { RegionCode } from './regions.js';
import { DEFAULT_RESETS, MS_PER_WEEK, nextResetAfter, weekStartsAt, type ResetSchedule } from './resets.js';
import type { SeasonPlan, SeasonWeek } from './types.js';

export interface CurrentWeek {
  week: number;
  targetIlvl: number;
  /** The UTC day the week begins on in the asked region, YYYY-MM-DD. */
  startDate: string;
  /** The reset instant the week begins at in the asked region. */
  startsAt: Date;
  /**
   * The first instant after which the answer may differ: the region's next reset, or the next plan week if that
   * comes sooner. Anything derived from the week (a cached body) must not outlive it.
   */
  endsAt: Date;
  description: string;
}

export interface RoadmapWeek {
  week: number;
  startDate: string;
  startsAt: Date;
  targetIlvl: number;
  description: string;
  isCurrent: boolean;
}

interface TimedWeek {
  row: SeasonWeek;
  startsAt: number;
}

const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Plan files may list weeks in any order; the rules need them in week order, each with its regional start. */
function timedWeeks(plan: SeasonPlan, region: RegionCode, schedule: ResetSchedule): TimedWeek[] {
  if (plan.weeks.length === 0) throw new RangeError(`Season plan ${plan.expansion} ${plan.season} has no weeks`);
  return [...plan.weeks]
    .sort((a, b) => a.week - b.week)
    .map((row) => ({ row, startsAt: weekStartsAt(row.startDate, region, schedule, row.isGlobal).getTime() }));
}

/** The plan row in force at an instant: the last one that has begun, or the first before the season begins. */
function indexInForce(weeks: readonly TimedWeek[], at: number): number {
  let inForce = 0;
  weeks.forEach((w, i) => {
    if (w.startsAt <= at) inForce = i;
  });
  return inForce;
}

/**
 * Which week of the season it is at an instant in a region. Weeks turn at the region's reset instant, not at a
 * date. Before the first week the first applies; past the last dated week the count goes on, one week per
 * reset, while the last target stays, so a plan that is not extended in time still gives a sensible answer.
 */
export function weekAt(plan: SeasonPlan, at: Date, region: RegionCode, schedule: ResetSchedule = DEFAULT_RESETS): CurrentWeek {
  const t = at.getTime();
  const weeks = timedWeeks(plan, region, schedule);
  const index = indexInForce(weeks, t);
  const { row, startsAt } = weeks[index] as TimedWeek;
  const nextRow = weeks.slice(index + 1).find((w) => w.startsAt > t);
  const nextReset = nextResetAfter(at, region, schedule).getTime();
  const endsAt = new Date(nextRow ? Math.min(nextRow.startsAt, nextReset) : nextReset);
  if (index === weeks.length - 1) {
    // Later weeks begin at the region's own reset even when the last row was a global week.
    const ownStart = weekStartsAt(row.startDate, region, schedule).getTime();
    const weeksPast = Math.floor((t - ownStart) / MS_PER_WEEK);
    if (weeksPast > 0) {
      const week = row.week + weeksPast;
      const extendedStart = ownStart + weeksPast * MS_PER_WEEK;
      return {
        week,
        targetIlvl: row.targetIlvl,
        startDate: utcDay(extendedStart),
        startsAt: new Date(extendedStart),
        endsAt,
        description: `Week ${week}: the week ${row.week} target still applies`,
      };
    }
  }
  return { week: row.week, targetIlvl: row.targetIlvl, startDate: utcDay(startsAt), startsAt: new Date(startsAt), endsAt, description: row.description };
}

/**
 * Every week of the plan in order with its start in the region. The current flag marks the row whose target is
 * in force, so past the end of the plan it stays on the last row.
 */
export function roadmapAt(plan: SeasonPlan, at: Date, region: RegionCode, schedule: ResetSchedule = DEFAULT_RESETS): RoadmapWeek[] {
  const weeks = timedWeeks(plan, region, schedule);
  const inForce = indexInForce(weeks, at.getTime());
  return weeks.map(({ row, startsAt }, i) => ({
    week: row.week,
    startDate: utcDay(startsAt),
    startsAt: new Date(startsAt),
    targetIlvl: row.targetIlvl,
    description: row.description,
    isCurrent: i === inForce,
  }));
}

/**
 * The plan in force at an instant in a region, among several (one per season): the one whose first week began
 * most recently, else (before every plan) the one that begins first.
 */
export function planAt(
  plans: readonly SeasonPlan[],
  at: Date,
  region: RegionCode,
  schedule: ResetSchedule = DEFAULT_RESETS,
): SeasonPlan | undefined {
  const starts = plans
    .filter((p) => p.weeks.length > 0)
    .map((plan) => ({ plan, startsAt: timedWeeks(plan, region, schedule)[0]?.startsAt ?? Number.POSITIVE_INFINITY }))
    .sort((a, b) => a.startsAt - b.startsAt);
  const begun = starts.filter((s) => s.startsAt <= at.getTime());
  return (begun.at(-1) ?? starts[0])?.plan;
}
