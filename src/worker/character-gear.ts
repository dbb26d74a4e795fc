import {
  auditGear, auditRulesFor, gearPriorities, GEAR_SLOTS, itemLevel, trackOf, wornGear, type EquippedItem,
} from '../domain/index.js';
import type { GearSnapshot } from '../db/tables/character-progress.js';

/**
 * Equipment as the character view serves it (docs/api.md), computed once here so the api only reads. Every one
 * of the 16 slots is listed; an empty one has null item fields. A two-hander is listed where it is worn;
 * the gear priorities are where it counts in both hands.
 */
export function gearSnapshot(items: EquippedItem[], expansion: string, lastModified: string | null): GearSnapshot {
  const level = itemLevel(items);
  const worn = wornGear(items);
  const equippedItems = GEAR_SLOTS.map((slot) => {
    const item = worn.get(slot);
    if (!item) {
      return { slot, item_id: null, item_name: null, ilvl: null, quality: null, track: null, enchanted: false, sockets: 0, empty_sockets: 0 };
    }
    return {
      slot,
      item_id: item.itemId,
      item_name: item.name,
      ilvl: item.itemLevel,
      quality: item.quality,
      track: trackOf(item.nameDescription),
      enchanted: item.enchantmentIds.length > 0,
      sockets: item.sockets.length,
      empty_sockets: item.sockets.filter((gem) => gem === null).length,
    };
  });
  const priorities = gearPriorities(items, level).map((p) => ({
    slot: p.slot,
    item_name: p.itemName,
    ilvl: p.itemLevel,
    below_average_by: p.belowAverageBy,
    track: p.track,
  }));
  const audit = auditGear(items, auditRulesFor(expansion));
  return {
    itemLevel: level,
    equippedItems,
    gearPriorities: priorities,
    audit: {
      missing_enchants: audit.missingEnchants,
      empty_sockets: audit.emptySockets,
      empty_socket_slots: audit.emptySocketSlots,
      tier_pieces: audit.tierPieces,
      below_quality: audit.belowQuality,
    },
    lastModified,
  };
}
