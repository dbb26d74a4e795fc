import { GEAR_SLOTS, type EquippedItem, type GearSlot } from '../../../src/domain/index.js';

/** A plain epic one-hander-or-armour item in a slot; tests override only what they are about. */
export function item(slot: string, itemLevel: number, overrides: Partial<EquippedItem> = {}): EquippedItem {
  return {
    slot,
    itemId: 1000 + itemLevel,
    name: `${slot} ${itemLevel}`,
    itemLevel,
    quality: 'EPIC',
    inventoryType: slot === 'main_hand' || slot === 'off_hand' ? 'WEAPON' : slot.toUpperCase(),
    nameDescription: null,
    enchantmentIds: [],
    sockets: [],
    setId: null,
    ...overrides,
  };
}

/** One item in each of the 16 gear slots, levels given in GEAR_SLOTS order. */
export function fullGear(levels: readonly number[]): EquippedItem[] {
  return GEAR_SLOTS.map((slot, index) => item(slot, levels[index] ?? 0));
}

/** Every gear slot at one level, except the ones listed. */
export function gearAt(level: number, except: Partial<Record<GearSlot, EquippedItem | null>> = {}): EquippedItem[] {
  return GEAR_SLOTS.flatMap((slot) => {
    if (!(slot in except)) return [item(slot, level)];
    const replacement = except[slot];
    return replacement ? [replacement] : [];
  });
}
