import { formatNumber } from '../../domain/format.js';
import { piecesFromPriorities, trackTableFor, upgradePlan, type TrackTable } from '../../domain/upgrades.js';
import type { UpgradePlanJson } from '../schemas/characters.js';

type Loose = Record<string, unknown>;

/**
 * This week's upgrade plan from the stored gear priorities (every slot that counts with its item level and
 * track), under the track table of the plan's expansion (the operator's when configured for it); null while
 * the item level is not known.
 */
export function presentUpgradePlan(
  itemLevel: number | null,
  storedPriorities: unknown[],
  targetIlvl: number,
  expansion: string,
  override: TrackTable | null = null,
): UpgradePlanJson | null {
  if (itemLevel === null) return null;
  const priorities = storedPriorities
    .filter((p): p is Loose => typeof p === 'object' && p !== null)
    .map((p) => ({
      slot: typeof p.slot === 'string' ? p.slot : '',
      ilvl: typeof p.ilvl === 'number' ? p.ilvl : 0,
      track: typeof p.track === 'string' ? p.track : null,
    }));
  if (priorities.length === 0) return null;
  const table = trackTableFor(expansion, override);
  const plan = upgradePlan(piecesFromPriorities(priorities), table, targetIlvl);
  const target = formatNumber(targetIlvl);
  const message = !plan.reachable
    ? `Upgrades alone cannot reach ${target}: every upgrade left brings the item level to ${formatNumber(plan.ilvlAfter)}`
    : plan.steps.length === 0
      ? `At or above this week's target of ${target}: no upgrade needed`
      : `${plan.steps.length === 1 ? '1 upgrade reaches' : `${plan.steps.length} upgrades reach`} ${target} (${formatNumber(plan.currentIlvl)} → ${formatNumber(plan.ilvlAfter)})`;
  return {
    target_ilvl: targetIlvl,
    current_ilvl: plan.currentIlvl,
    reachable: plan.reachable,
    steps: plan.steps.map((s) => ({
      slot: s.slot,
      track: s.track,
      from: `${s.track} ${s.fromRank}/${s.maxRank}`,
      to: `${s.track} ${s.toRank}/${s.maxRank}`,
      from_ilvl: s.fromIlvl,
      to_ilvl: s.toIlvl,
      ilvl_gain: s.ilvlGain,
      average_gain: s.averageGain,
      average_after: s.averageAfter,
    })),
    ilvl_after: plan.ilvlAfter,
    track_table: `${table.expansion} ${table.season}`,
    message,
  };
}
