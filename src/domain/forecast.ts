import { dayNumber } from './dates.js';
import { formatNumber } from './format.js';
import { roundTo1 } from './item-level.js';
import type { RegionCode } from './regions.js';
import { DEFAULT_RESETS, type ResetSchedule } from './resets.js';
import { weekAt } from './season.js';
import type { SeasonPlan } from './types.js';

/** One day's item level of a character. */
export interface IlvlSample {
  /** YYYY-MM-DD */
  date: string;
  itemLevel: number;
}

/** How many recent weeks the weekly gain is measured over. */
export const GAIN_WEEKS = 4;
/** The projection looks at least this many weeks ahead, even past the end of the plan (whose last target holds). */
export const MIN_HORIZON_WEEKS = 8;

export type GainConfidence = 'high' | 'medium' | 'low';

export interface WeeklyGain {
  /** Item levels gained per week lately, one decimal; null without a full week of history. */
  weeklyGain: number | null;
  /** How steady the weekly gains were; null with no gain. */
  confidence: GainConfidence | null;
  /** How many whole weeks the gain was measured over. */
  weeksMeasured: number;
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

/**
 * The item level on a day: the day's point; else, between two points, the straight line joining them (a missed
 * day is most likely between its neighbours); else, after the last point, the last point (nothing seen since).
 */
function levelOn(points: ReadonlyArray<{ day: number; itemLevel: number }>, day: number): number | undefined {
  let before: { day: number; itemLevel: number } | undefined;
  for (const p of points) {
    if (p.day === day) return p.itemLevel;
    if (p.day < day) before = p;
    else {
      if (!before) return undefined;
      return before.itemLevel + ((p.itemLevel - before.itemLevel) * (day - before.day)) / (p.day - before.day);
    }
  }
  return before?.itemLevel;
}

/**
 * How fast a character has been gearing: the median of the item levels gained in each of the last `weeks`
 * weeks, the weeks counted back from the latest point (on or before `today`). A median of weekly deltas is
 * what makes it robust: a one-day spike (a PvP set, a missing weapon) raises one week's delta and lowers the
 * next, and the median ignores both; a missing day is bridged by its neighbours. Confidence says how steady
 * the weekly deltas were around that median.
 */
export function weeklyGain(history: readonly IlvlSample[], today: string, weeks = GAIN_WEEKS): WeeklyGain {
  const todayDay = dayNumber(today);
  const byDay = new Map<number, number>();
  // Of two points on one day the later one in the list wins, as when the table keeps the day's last.
  for (const s of history) {
    const day = dayNumber(s.date);
    if (day <= todayDay && Number.isFinite(s.itemLevel)) byDay.set(day, s.itemLevel);
  }
  const points = [...byDay.entries()].map(([day, itemLevel]) => ({ day, itemLevel })).sort((a, b) => a.day - b.day);
  const last = points.at(-1);
  if (!last) return { weeklyGain: null, confidence: null, weeksMeasured: 0 };

  const deltas: number[] = [];
  for (let k = 0; k < weeks; k += 1) {
    const end = levelOn(points, last.day - 7 * k);
    const start = levelOn(points, last.day - 7 * (k + 1));
    if (end !== undefined && start !== undefined) deltas.push(end - start);
  }
  if (deltas.length === 0) return { weeklyGain: null, confidence: null, weeksMeasured: 0 };
  const gain = median(deltas);
  return { weeklyGain: roundTo1(gain), confidence: confidenceOf(deltas, gain), weeksMeasured: deltas.length };
}

/**
 * Steady: three or more weeks whose deltas sit within a quarter of the gain (at least half an item level) of
 * the median, as the median absolute deviation; medium: two or more within half of it (at least one item level).
 */
function confidenceOf(deltas: readonly number[], gain: number): GainConfidence {
  const spread = median(deltas.map((d) => Math.abs(d - gain)));
  if (deltas.length >= 3 && spread <= Math.max(0.5, 0.25 * Math.abs(gain))) return 'high';
  if (deltas.length >= 2 && spread <= Math.max(1, 0.5 * Math.abs(gain))) return 'medium';
  return 'low';
}

export interface PlanWeek {
  week: number;
  targetIlvl: number;
}

/**
 * The weeks a projection looks at from an instant: the current week, every later week of the plan, and at least
 * MIN_HORIZON_WEEKS weeks ahead in all, the last target holding past the plan's end (the week rule's own rule).
 */
export function planHorizon(
  plan: SeasonPlan,
  at: Date,
  region: RegionCode,
  schedule: ResetSchedule = DEFAULT_RESETS,
  minWeeksAhead = MIN_HORIZON_WEEKS,
): { currentWeek: number; weeks: PlanWeek[] } {
  const current = weekAt(plan, at, region, schedule);
  const rows = [...plan.weeks].sort((a, b) => a.week - b.week);
  const lastPlanned = rows.at(-1)?.week ?? current.week;
  const end = Math.max(lastPlanned, current.week + minWeeksAhead);
  const weeks: PlanWeek[] = [{ week: current.week, targetIlvl: current.targetIlvl }];
  for (let week = current.week + 1; week <= end; week += 1) {
    const row = rows.filter((r) => r.week <= week).at(-1) ?? rows[0];
    if (row) weeks.push({ week, targetIlvl: row.targetIlvl });
  }
  return { currentWeek: current.week, weeks };
}

export type ProjectionReason = 'not_at_this_pace' | 'not_enough_history' | 'no_item_level';

export interface Projection {
  /** The first week (the current one included) whose target the projected item level meets; null when none does. */
  projectedWeek: number | null;
  reason: ProjectionReason | null;
  message: string;
}

/** The projection meets a target by the same rule as the status: the gap rounded to one decimal is not negative. */
const meets = (ilvl: number, target: number) => roundTo1(ilvl - target) >= 0;

/**
 * The week the character meets the plan at its recent pace: the item level grows by the weekly gain each week
 * from the current one, and the first week whose target it reaches is the answer. A gain that is not positive
 * projects today's item level forward unchanged. `weeks` are in week order, the current week first.
 */
export function projectWeek(currentIlvl: number | null, gain: number | null, currentWeek: number, weeks: readonly PlanWeek[]): Projection {
  if (currentIlvl === null) return { projectedWeek: null, reason: 'no_item_level', message: 'Item level not fetched yet' };
  const pace = gain !== null && gain > 0 ? gain : 0;
  for (const w of weeks) {
    if (w.week < currentWeek) continue;
    if (meets(currentIlvl + pace * (w.week - currentWeek), w.targetIlvl)) {
      const message = w.week === currentWeek
        ? `On track this week (target ${formatNumber(w.targetIlvl)})`
        : `Meets the plan in week ${w.week} (target ${formatNumber(w.targetIlvl)}) at +${formatNumber(pace)} iLvl per week`;
      return { projectedWeek: w.week, reason: null, message };
    }
  }
  if (gain === null) {
    return { projectedWeek: null, reason: 'not_enough_history', message: 'Not enough history to measure a weekly gain (a week is needed)' };
  }
  const lastWeek = weeks.at(-1)?.week ?? currentWeek;
  return {
    projectedWeek: null,
    reason: 'not_at_this_pace',
    message: `Not at this pace: ${gain > 0 ? '+' : ''}${formatNumber(gain)} iLvl per week does not meet the plan by week ${lastWeek}`,
  };
}
