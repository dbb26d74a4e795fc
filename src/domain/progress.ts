import { formatNumber } from './format.js';
import { roundTo1 } from './item-level.js';
import type { Status } from './types.js';

export const STATUS_LABELS: Readonly<Record<Status, string>> = Object.freeze({
  ahead: 'On Track',
  behind: 'Behind',
  unknown: 'Unknown',
});

export interface Progress {
  /** Item level minus target, one decimal; null while the item level is unknown. */
  gap: number | null;
  status: Status;
  statusLabel: string;
  message: string;
}

/** How a character stands against the week's target. At or above it is `ahead`, labelled "On Track". */
export function progressFor(currentIlvl: number | null, targetIlvl: number): Progress {
  if (currentIlvl === null) {
    return {
      gap: null,
      status: 'unknown',
      statusLabel: STATUS_LABELS.unknown,
      message: 'Item level not fetched yet; it is being fetched',
    };
  }
  const gap = roundTo1(currentIlvl - targetIlvl);
  const figures = `Target: ${formatNumber(targetIlvl)}, Current: ${formatNumber(currentIlvl)}`;
  if (gap < 0) {
    return { gap, status: 'behind', statusLabel: STATUS_LABELS.behind, message: `${formatNumber(-gap)} iLvl behind. ${figures}` };
  }
  // The gap, not the raw difference, decides "on target": 264.96 against 265 shows as 265 and reads as on target.
  const message = gap > 0 ? `Ahead of schedule! ${figures}` : `On target! ${figures}`;
  return { gap, status: 'ahead', statusLabel: STATUS_LABELS.ahead, message };
}
