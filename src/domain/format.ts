import { roundTo1 } from './item-level.js';

/** A number as players read it: at most one decimal and no trailing ".0" (265, 260.4, -4.6). */
export function formatNumber(n: number): string {
  // String() of a one-decimal double is its shortest form, so no float noise survives the rounding.
  return String(roundTo1(n));
}
