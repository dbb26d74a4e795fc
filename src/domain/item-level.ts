import { gearInSlots } from './gear.js';
import { GEAR_SLOTS, type EquippedItem } from './types.js';

/**
 * Rounds to one decimal, halves away from zero, on the value the caller meant rather than its binary image:
 * 260.45 is stored as 260.4499999…, and scaling it by ten leaves 2604.4999999999995, so the scaled value is
 * trimmed to 12 significant digits (far more than an item level or gap carries) before rounding.
 * Away from zero keeps a gap and its mirror the same size ("4.7 behind" / "4.7 ahead").
 */
export function roundTo1(n: number): number {
  if (!Number.isFinite(n)) return n;
  const tenths = Number((Math.abs(n) * 10).toPrecision(12));
  const rounded = Math.floor(tenths + 0.5) / 10;
  return n < 0 && rounded !== 0 ? -rounded : rounded;
}

/**
 * Average item level over the 16 gear slots, one decimal. Empty slots count 0. Item levels are whole numbers,
 * so the sum is an exact integer and dividing it by 16 (a power of two) is exact too: rounding sees the true value.
 */
export function itemLevel(items: readonly EquippedItem[]): number {
  const gear = gearInSlots(items);
  let total = 0;
  for (const slot of GEAR_SLOTS) total += gear.get(slot)?.itemLevel ?? 0;
  return roundTo1(total / GEAR_SLOTS.length);
}
