import { dayNumber } from './dates.js';
import { formatNumber } from './format.js';
import { roundTo1 } from './item-level.js';

export interface IlvlSample {
  /** YYYY-MM-DD */
  date: string;
  itemLevel: number;
}

export interface Trend {
  /** Item levels gained per week lately, one decimal; null without two samples on different days. */
  weeklyGain: number | null;
  /** Whole weeks until the target at that pace; 0 when already there, null when it cannot be projected. */
  projectedWeeksToTarget: number | null;
  message: string;
}

/**
 * Least-squares slope in item levels per week. A fit over every sample, rather than first-to-last, keeps one
 * odd reading (a character caught in a PvP set, a missing weapon) from swinging the result.
 */
function weeklySlope(samples: ReadonlyArray<{ day: number; itemLevel: number }>): number | null {
  if (samples.length < 2) return null;
  const meanDay = samples.reduce((sum, s) => sum + s.day, 0) / samples.length;
  const meanIlvl = samples.reduce((sum, s) => sum + s.itemLevel, 0) / samples.length;
  let spread = 0;
  let covariance = 0;
  for (const s of samples) {
    spread += (s.day - meanDay) ** 2;
    covariance += (s.day - meanDay) * (s.itemLevel - meanIlvl);
  }
  return spread === 0 ? null : (7 * covariance) / spread;
}

function weeksLabel(weeks: number): string {
  return weeks === 1 ? '1 week' : `${weeks} weeks`;
}

/**
 * How fast a character has been gearing over the last `weeks` weeks up to `today`, and when that pace reaches the
 * target. Samples dated after `today` are ignored. The projection uses the rounded gain, so it never contradicts
 * the gain shown beside it (a gain shown as 0 never promises a date).
 */
export function trend(history: ReadonlyArray<IlvlSample>, target: number, today: string, weeks = 4): Trend {
  const todayDay = dayNumber(today);
  const known = history
    .map((sample) => ({ day: dayNumber(sample.date), itemLevel: sample.itemLevel }))
    .filter((sample) => sample.day <= todayDay);
  const windowStart = todayDay - 7 * weeks;
  const slope = weeklySlope(known.filter((sample) => sample.day >= windowStart));
  const weeklyGain = slope === null ? null : roundTo1(slope);

  // The latest sample is the current item level; of two on the same day the later one in the list wins.
  const latest = known.reduce<(typeof known)[number] | null>(
    (newest, sample) => (newest === null || sample.day >= newest.day ? sample : newest),
    null,
  );
  if (latest === null) return { weeklyGain, projectedWeeksToTarget: null, message: 'No item level history yet' };
  if (latest.itemLevel >= target) {
    return { weeklyGain, projectedWeeksToTarget: 0, message: `Target ${formatNumber(target)} reached` };
  }
  if (weeklyGain === null) {
    return { weeklyGain, projectedWeeksToTarget: null, message: 'Not enough history to measure a weekly gain' };
  }
  if (weeklyGain <= 0) {
    return {
      weeklyGain,
      projectedWeeksToTarget: null,
      message: `Not at this pace: ${formatNumber(weeklyGain)} iLvl per week`,
    };
  }
  // Trim float noise before rounding up so 9 / 1.5 stays 6 weeks, not 7.
  const projected = Math.ceil(Number(((target - latest.itemLevel) / weeklyGain).toPrecision(12)));
  return {
    weeklyGain,
    projectedWeeksToTarget: projected,
    message: `About ${weeksLabel(projected)} to reach ${formatNumber(target)} at +${formatNumber(weeklyGain)} iLvl per week`,
  };
}
