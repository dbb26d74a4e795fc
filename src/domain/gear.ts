import { GEAR_SLOTS, type EquippedItem, type GearSlot } from './types.js';

/** Inventory types that occupy both hands: two-handers and bows, guns and crossbows. */
const TWO_HANDED_TYPES: ReadonlySet<string> = new Set(['TWOHWEAPON', 'RANGED', 'RANGEDRIGHT']);
/** Battle.net's item class of weapons and its subclass of wands. */
const WEAPON_CLASS_ID = 2;
const WAND_SUBCLASS_ID = 19;

const GEAR_SLOT_SET: ReadonlySet<string> = new Set(GEAR_SLOTS);

export function isGearSlot(slot: string): slot is GearSlot {
  return GEAR_SLOT_SET.has(slot);
}

/** Battle.net types wands RANGEDRIGHT like guns and crossbows; only the item subclass tells them apart. */
export function isWand(item: EquippedItem): boolean {
  const sub = item.itemSubclass;
  if (!sub) return false;
  return ((sub.classId === null || sub.classId === WEAPON_CLASS_ID) && sub.id === WAND_SUBCLASS_ID) || sub.name?.trim().toLowerCase() === 'wand';
}

/** A two-hander, bow, gun or crossbow: it fills both hands. A wand is held in one hand. */
export function isTwoHanded(item: EquippedItem): boolean {
  return TWO_HANDED_TYPES.has(item.inventoryType.toUpperCase()) && !isWand(item);
}

/** What is worn in each of the 16 gear slots. Shirt, tabard and unknown slots are dropped; a repeated slot keeps its first item. */
export function wornGear(items: readonly EquippedItem[]): Map<GearSlot, EquippedItem> {
  const gear = new Map<GearSlot, EquippedItem>();
  for (const item of items) {
    const slot = item.slot.toLowerCase();
    if (isGearSlot(slot) && !gear.has(slot)) gear.set(slot, item);
  }
  return gear;
}

/**
 * The item that counts in each gear slot. A two-hander with nothing in the off hand also fills the off hand:
 * the game averages over 16 slots and would otherwise punish two-hand specs for an off hand they cannot wear.
 */
export function gearInSlots(items: readonly EquippedItem[]): Map<GearSlot, EquippedItem> {
  const gear = wornGear(items);
  const mainHand = gear.get('main_hand');
  if (mainHand && !gear.has('off_hand') && isTwoHanded(mainHand)) gear.set('off_hand', mainHand);
  return gear;
}
