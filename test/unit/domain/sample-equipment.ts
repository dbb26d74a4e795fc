import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { EquippedItem, Quality } from '../../../src/domain/index.js';

const FIXTURES = new URL('../../fixtures/upstream/', import.meta.url);

/** The part of a Battle.net equipment item the mapper reads. */
interface BlizzardItem {
  slot: { type: string };
  item: { id: number };
  name: string;
  level?: { value: number };
  quality: { type: string };
  inventory_type: { type: string };
  name_description?: { display_string: string };
  enchantments?: Array<{ enchantment_id: number }>;
  sockets?: Array<{ item?: { id: number } }>;
  set?: { item_set: { id: number } };
}

export function toEquippedItem(raw: BlizzardItem): EquippedItem {
  return {
    slot: raw.slot.type.toLowerCase(),
    itemId: raw.item.id,
    name: raw.name,
    itemLevel: raw.level?.value ?? 0,
    quality: raw.quality.type as Quality,
    inventoryType: raw.inventory_type.type,
    nameDescription: raw.name_description?.display_string ?? null,
    enchantmentIds: (raw.enchantments ?? []).map((enchant) => enchant.enchantment_id),
    sockets: (raw.sockets ?? []).map((socket) => socket.item?.id ?? null),
    setId: raw.set?.item_set.id ?? null,
  };
}

/** Equipped items of a Battle.net equipment response stored under test/fixtures/upstream. */
export function loadEquipment(file: string): EquippedItem[] {
  const body = JSON.parse(readFileSync(fileURLToPath(new URL(file, FIXTURES)), 'utf8')) as {
    equipped_items: BlizzardItem[];
  };
  return body.equipped_items.map(toEquippedItem);
}
