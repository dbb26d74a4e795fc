import type { EquippedItem } from '../../domain/types.js';
import { className } from './classes.js';
import type { RawEquipment, RawEquippedItem, RawProfile, RawRoster, RawSpecializations } from './schemas.js';

export interface CharacterProfile {
  id: number;
  name: string;
  realmSlug: string;
  level: number;
  className: string;
  specName: string | null;
  guild: { name: string; realmSlug: string } | null;
  equippedItemLevel: number | null;
}

export interface GuildRosterMember {
  name: string;
  realmSlug: string;
  level: number;
  classId: number;
  className: string;
  /** 0 = Guild Master; Battle.net knows rank numbers only, never their names. */
  rank: number;
}

export interface GuildRoster {
  guild: { id: number; name: string; realmSlug: string };
  members: GuildRosterMember[];
}

export function toCharacterProfile(raw: RawProfile): CharacterProfile {
  return {
    id: raw.id,
    name: raw.name,
    realmSlug: raw.realm.slug,
    level: raw.level,
    className: raw.character_class.name,
    specName: raw.active_spec?.name ?? null,
    guild: raw.guild ? { name: raw.guild.name, realmSlug: raw.guild.realm.slug } : null,
    equippedItemLevel: raw.equipped_item_level ?? null,
  };
}

export function toEquippedItems(raw: RawEquipment): EquippedItem[] {
  return raw.equipped_items.map(toEquippedItem);
}

function toEquippedItem(raw: RawEquippedItem): EquippedItem {
  return {
    slot: raw.slot.type.toLowerCase(),
    itemId: raw.item.id,
    name: raw.name,
    itemLevel: raw.level.value,
    quality: raw.quality.type,
    inventoryType: raw.inventory_type.type,
    nameDescription: raw.name_description?.display_string ?? null,
    // Temporary enchants (weapon oils) come and go with every log-in; only permanent ones count.
    enchantmentIds: (raw.enchantments ?? [])
      .filter((e) => e.enchantment_slot === undefined || e.enchantment_slot.type === 'PERMANENT')
      .map((e) => e.enchantment_id),
    sockets: (raw.sockets ?? []).map((s) => s.item?.id ?? null),
    setId: raw.set?.item_set.id ?? null,
    itemSubclass: raw.item_subclass
      ? { classId: raw.item_class?.id ?? null, id: raw.item_subclass.id, name: raw.item_subclass.name ?? null }
      : null,
  };
}

export function toActiveSpec(raw: RawSpecializations): { activeSpec: string | null } {
  return { activeSpec: raw.active_specialization?.name ?? null };
}

export function toGuildRoster(raw: RawRoster): GuildRoster {
  return {
    guild: { id: raw.guild.id, name: raw.guild.name, realmSlug: raw.guild.realm.slug },
    members: raw.members.map((m) => ({
      name: m.character.name,
      realmSlug: m.character.realm.slug,
      level: m.character.level,
      classId: m.character.playable_class.id,
      className: className(m.character.playable_class.id),
      rank: m.rank,
    })),
  };
}
