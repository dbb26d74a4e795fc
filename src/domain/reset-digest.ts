import { roundTo1 } from './item-level.js';
import { progressFor } from './progress.js';

/** A current member as the reset digest sees it: the item level now and a week before the reset. */
export interface DigestMember {
  characterId: number;
  name: string;
  realm: string;
  className: string | null;
  itemLevel: number | null;
  /** The last item level recorded on or before the day a week before the reset; null when none. */
  itemLevelWeekAgo: number | null;
  level: number | null;
  /** The stored median weekly gain (forecast), null without enough history. */
  weeklyGain: number | null;
  /** The member's own target in the week that begins (its team's, else the guild's). */
  targetIlvl: number;
  /** The member's own target in the week that ended. */
  previousTargetIlvl: number;
}

export interface DigestWeek {
  week: number;
  /** The guild's target of the week (members on a team plan are judged against their team's). */
  targetIlvl: number;
  /** The guild's target of the week that just ended. */
  previousTargetIlvl: number;
  /** The reset the week begins at. */
  startsAt: Date;
}

export interface DigestLine {
  characterId: number;
  name: string;
  realm: string;
  itemLevel: number | null;
}

export interface ResetDigest extends DigestWeek {
  counts: { onTrack: number; behind: number; unknown: number; levelling: number };
  /** The five largest item-level gains of the week before the reset. */
  topGainers: Array<DigestLine & { gain: number }>;
  /** Behind the new target, and not catching up within the week at their pace (or with no pace known); most behind first. */
  atRisk: Array<DigestLine & { gap: number; weeklyGain: number | null }>;
  /** On track for the week that ended, behind the one that begins. */
  fellBehind: Array<DigestLine & { gap: number }>;
  /** Every member at the level cap with an item level and its own target, for the roster chart, highest first. */
  chart: Array<{ name: string; itemLevel: number; targetIlvl: number }>;
  gmMessage: string | null;
}

export const TOP_GAINERS = 5;

/**
 * What a guild is told at a weekly reset, by the same status rule as everywhere (`progressFor` against each
 * member's own target: its team plan's, else the guild's). Characters below the level cap are counted apart, as the overview does: an alt being levelled
 * is not behind.
 */
export function buildResetDigest(
  members: readonly DigestMember[],
  week: DigestWeek,
  options: { levelCap: number | null; gmMessage: string | null },
): ResetDigest {
  const isLevelling = (m: DigestMember) => options.levelCap !== null && m.level !== null && m.level < options.levelCap;
  const counts = { onTrack: 0, behind: 0, unknown: 0, levelling: 0 };
  const atRisk: ResetDigest['atRisk'] = [];
  const fellBehind: ResetDigest['fellBehind'] = [];
  const line = (m: DigestMember): DigestLine => ({ characterId: m.characterId, name: m.name, realm: m.realm, itemLevel: m.itemLevel });
  for (const m of members) {
    if (isLevelling(m)) {
      counts.levelling += 1;
      continue;
    }
    const now = progressFor(m.itemLevel, m.targetIlvl);
    if (now.status === 'unknown') counts.unknown += 1;
    else if (now.status === 'ahead') counts.onTrack += 1;
    else counts.behind += 1;
    if (now.status !== 'behind' || now.gap === null) continue;
    if (m.weeklyGain === null || m.weeklyGain < -now.gap) atRisk.push({ ...line(m), gap: now.gap, weeklyGain: m.weeklyGain });
    if (progressFor(m.itemLevel, m.previousTargetIlvl).status === 'ahead') fellBehind.push({ ...line(m), gap: now.gap });
  }
  const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
  const topGainers = members
    .filter((m) => m.itemLevel !== null && m.itemLevelWeekAgo !== null && roundTo1(m.itemLevel - m.itemLevelWeekAgo) > 0)
    .map((m) => ({ ...line(m), gain: roundTo1((m.itemLevel as number) - (m.itemLevelWeekAgo as number)) }))
    .sort((a, b) => b.gain - a.gain || byName(a, b))
    .slice(0, TOP_GAINERS);
  const chart = members
    .filter((m) => m.itemLevel !== null && !isLevelling(m))
    .map((m) => ({ name: m.name, itemLevel: m.itemLevel as number, targetIlvl: m.targetIlvl }))
    .sort((a, b) => b.itemLevel - a.itemLevel || byName(a, b));
  return {
    ...week,
    counts,
    topGainers,
    atRisk: atRisk.sort((a, b) => a.gap - b.gap || byName(a, b)),
    fellBehind: fellBehind.sort((a, b) => a.gap - b.gap || byName(a, b)),
    chart,
    gmMessage: options.gmMessage,
  };
}
