import { addDays } from './dates.js';
import type { CurrentWeek, RoadmapWeek } from './season.js';
import type { SeasonPlan, SeasonWeek } from './types.js';

/**
 * A guild's own weekly targets, set by its Guild Master: which item level each week of the season asks for.
 * The season calendar still says which week it is and when weeks start.
 */
export interface GuildPlanWeek {
  week: number;
  targetIlvl: number;
}

export interface GuildPlan {
  expansionId: number;
  /** In week order, week numbers unique and positive. */
  weeks: GuildPlanWeek[];
}

/** Item levels the game has used: above any item level so far (678 before Midnight's squish), never below 1. */
export const ITEM_LEVEL_MIN = 1;
export const ITEM_LEVEL_MAX = 1000;
/** A season has a few dozen weeks; a plan longer than this is a mistake, not a plan. */
export const MAX_PLAN_WEEKS = 200;

export interface PlanProblem {
  /** Path of the offending value in the request body, e.g. `weeks.3.ilvl_target`. */
  field: string;
  message: string;
}

/** Why a set of weeks cannot be a guild's plan; empty when it can. */
export function guildPlanProblems(weeks: ReadonlyArray<{ week: number; ilvlTarget: number; index: number }>): PlanProblem[] {
  const problems: PlanProblem[] = [];
  if (weeks.length === 0) problems.push({ field: 'weeks', message: 'must list at least one week' });
  if (weeks.length > MAX_PLAN_WEEKS) problems.push({ field: 'weeks', message: `must list at most ${MAX_PLAN_WEEKS} weeks` });
  const seen = new Set<number>();
  for (const { week, ilvlTarget, index } of weeks) {
    if (week < 1) problems.push({ field: `weeks.${index}.week`, message: 'must be 1 or more (week 1 is the season’s first week)' });
    else if (week > MAX_PLAN_WEEKS) problems.push({ field: `weeks.${index}.week`, message: `must be at most ${MAX_PLAN_WEEKS}` });
    else if (seen.has(week)) problems.push({ field: `weeks.${index}.week`, message: `week ${week} is listed twice` });
    seen.add(week);
    if (ilvlTarget < ITEM_LEVEL_MIN || ilvlTarget > ITEM_LEVEL_MAX) {
      problems.push({ field: `weeks.${index}.ilvl_target`, message: `must be between ${ITEM_LEVEL_MIN} and ${ITEM_LEVEL_MAX}` });
    }
  }
  return problems;
}

/**
 * hool.gg's settings page sends back every week the roadmap listed, including the season plan's pre-season
 * weeks (numbered below 1). Those that come back unchanged are the season's, not part of the guild's plan, and
 * are left out; a pre-season week with another target is kept, and refused by guildPlanProblems.
 */
export function withoutSeasonPreSeason<T extends { week: number; ilvlTarget: number }>(
  weeks: readonly T[],
  season: ReadonlyArray<{ week: number; targetIlvl: number }>,
): T[] {
  const preSeason = new Map(season.filter((w) => w.week < 1).map((w) => [w.week, w.targetIlvl]));
  return weeks.filter((w) => !(w.week < 1 && preSeason.get(w.week) === w.ilvlTarget));
}

/** The US start day of a season week: the season's own, else counted in whole weeks from its nearest row. */
function seasonStartDate(season: readonly SeasonWeek[], week: number): string {
  const sorted = [...season].sort((a, b) => a.week - b.week);
  const anchor = sorted.filter((w) => w.week <= week).at(-1) ?? (sorted[0] as SeasonWeek);
  return addDays(anchor.startDate, 7 * (week - anchor.week));
}

/**
 * The guild's plan as a dated plan the season calendar can read: every week from 1 to the last planned one,
 * on the season's dates, each with the planned target in force (the first planned target before the plan
 * starts). Listing every week keeps the calendar's week count the season's between planned weeks.
 */
export function guildSeasonPlan(plan: GuildPlan, guildId: number, season: SeasonPlan): SeasonPlan {
  const planned = [...plan.weeks].sort((a, b) => a.week - b.week);
  const last = planned.at(-1)?.week ?? 0;
  const weeks: SeasonWeek[] = [];
  for (let week = 1; week <= last; week += 1) {
    const inForce = planned.filter((w) => w.week <= week).at(-1) ?? (planned[0] as GuildPlanWeek);
    weeks.push({
      week,
      startDate: seasonStartDate(season.weeks, week),
      targetIlvl: inForce.targetIlvl,
      description: inForce.week === week ? `Guild plan: week ${week}` : `Guild plan: the week ${inForce.week} target applies`,
      isGlobal: false,
    });
  }
  return { expansion: season.expansion, season: season.season, weeks, expansionId: plan.expansionId, guildId };
}

/**
 * The roadmap always lists the current week, so a reader finds "week N" in it: past the last planned week the
 * current week is added with the target in force, and is the one marked current.
 */
export function withCurrentWeek(rows: readonly RoadmapWeek[], current: CurrentWeek): RoadmapWeek[] {
  if (rows.some((r) => r.week === current.week)) return rows.map((r) => ({ ...r, isCurrent: r.week === current.week }));
  const added: RoadmapWeek = {
    week: current.week,
    startDate: current.startDate,
    startsAt: current.startsAt,
    targetIlvl: current.targetIlvl,
    description: current.description,
    isCurrent: true,
  };
  return [...rows.map((r) => ({ ...r, isCurrent: false })), added].sort((a, b) => a.week - b.week);
}
