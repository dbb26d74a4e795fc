import { gearInSlots } from './gear.js';
import { roundTo1 } from './item-level.js';
import { GEAR_SLOTS, type EquippedItem, type GearSlot } from './types.js';

export interface GearPriority {
  slot: GearSlot;
  itemName: string | null;
  /** 0 for an empty slot. */
  itemLevel: number;
  /** Character item level minus this slot's; negative when the slot is above the average. */
  belowAverageBy: number;
  track: string | null;
}

/** Upgrade tracks in the order an item climbs them. */
const TRACKS = ['Explorer', 'Adventurer', 'Veteran', 'Champion', 'Hero', 'Myth'] as const;
const TRACK_PATTERN = new RegExp(`\\b(${TRACKS.join('|')})\\b(?:\\s+(\\d+)\\s*/\\s*(\\d+))?`, 'i');

/**
 * The upgrade track named in an item's description ("Hero 4/6"), with its rank when the description has one.
 * Whole words only, so difficulty labels such as "Heroic" or "Mythic" are not mistaken for a track.
 */
export function trackOf(nameDescription: string | null): string | null {
  const match = nameDescription === null ? null : TRACK_PATTERN.exec(nameDescription);
  if (!match) return null;
  const word = match[1] as string;
  const track = word.charAt(0).toUpperCase() + word.slice(1).toLowerCase();
  return match[2] === undefined ? track : `${track} ${match[2]}/${match[3]}`;
}

/**
 * Every gear slot, weakest first: empty slots, then by item level, ties in the game's slot order. A two-hander
 * with an empty off hand is listed once, as the main hand: it is one item to upgrade, and the off hand is not a
 * slot its wearer can fill (listing it, empty or as a second copy, would send the player after a second item).
 * The item level still counts it in both hands (gearInSlots).
 */
export function gearPriorities(items: readonly EquippedItem[], characterIlvl: number): GearPriority[] {
  const gear = gearInSlots(items);
  const mainHand = gear.get('main_hand');
  const twoHanderFillsOffHand = mainHand !== undefined && gear.get('off_hand') === mainHand;
  const slots = twoHanderFillsOffHand ? GEAR_SLOTS.filter((slot) => slot !== 'off_hand') : GEAR_SLOTS;
  const ranked = slots.map((slot, order) => {
    const item = gear.get(slot);
    const level = item?.itemLevel ?? 0;
    const priority: GearPriority = {
      slot,
      itemName: item?.name ?? null,
      itemLevel: level,
      belowAverageBy: roundTo1(characterIlvl - level),
      track: item ? trackOf(item.nameDescription) : null,
    };
    return { priority, order, isEmpty: item === undefined };
  });
  ranked.sort(
    (a, b) => Number(b.isEmpty) - Number(a.isEmpty) || a.priority.itemLevel - b.priority.itemLevel || a.order - b.order,
  );
  return ranked.map((entry) => entry.priority);
}

export type UpgradePriority = 'high' | 'medium' | 'low';

/** A slot this far or more below the week's target is urgent. */
export const HIGH_PRIORITY_GAP = 10;

/**
 * How urgently a slot needs an upgrade, from how far its item level is below this week's target: an empty slot
 * or one at least HIGH_PRIORITY_GAP below is high, any other slot below the target medium, the rest low.
 */
export function upgradePriority(slotIlvl: number, targetIlvl: number): UpgradePriority {
  const below = targetIlvl - slotIlvl;
  if (slotIlvl <= 0 || below >= HIGH_PRIORITY_GAP) return 'high';
  return below > 0 ? 'medium' : 'low';
}
