import { parseRaidDifficulty, type MythicPlusActivity, type RaidActivity } from '../../domain/activity.js';
import type { EquippedItem } from '../../domain/types.js';
import { className } from './classes.js';
import type {
  RawEquipment, RawEquippedItem, RawMythicKeystoneProfile, RawProfile, RawRaidEncounters, RawRoster, RawSpecializations,
} from './schemas.js';

export interface CharacterProfile {
  id: number;
  name: string;
  realmSlug: string;
  level: number;
  className: string;
  specName: string | null;
  guild: { name: string; realmSlug: string } | null;
  equippedItemLevel: number | null;
  /** Epoch ms of the last log-in; a character that has not logged in since has no new activity. */
  lastLoginAt: number | null;
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
    lastLoginAt: raw.last_login_timestamp ?? null,
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

/** No M+ profile (Battle.net's 404 here) means no runs, for a character that exists. */
export const NO_MYTHIC_PLUS: MythicPlusActivity = Object.freeze({ score: null, color: null, runs: [] });

export function toMythicPlus(raw: RawMythicKeystoneProfile): MythicPlusActivity {
  const rating = raw.current_mythic_rating;
  return {
    score: rating?.rating ?? null,
    color: rating ? { r: rating.color.r, g: rating.color.g, b: rating.color.b, a: rating.color.a } : null,
    runs: (raw.current_period?.best_runs ?? []).map((r) => ({
      dungeonId: r.dungeon.id,
      dungeon: r.dungeon.name,
      keystoneLevel: r.keystone_level,
      completedAt: r.completed_timestamp,
      inTime: r.is_completed_within_time,
    })),
  };
}

/** Raid progress of every expansion; LFR to Mythic only (legacy 10/25-player modes are dropped). */
export function toRaidActivity(raw: RawRaidEncounters): RaidActivity {
  const activity: RaidActivity = { modes: [], encounters: [] };
  for (const expansion of raw.expansions ?? []) {
    for (const { instance, modes } of expansion.instances) {
      for (const mode of modes) {
        const difficulty = parseRaidDifficulty(mode.difficulty.type);
        if (!difficulty) continue;
        activity.modes.push({
          instanceId: instance.id,
          instanceName: instance.name,
          difficulty,
          completed: mode.progress.completed_count,
          total: mode.progress.total_count,
        });
        for (const e of mode.progress.encounters) {
          activity.encounters.push({
            instanceId: instance.id,
            instanceName: instance.name,
            difficulty,
            encounterId: e.encounter.id,
            encounterName: e.encounter.name,
            lastKillAt: e.last_kill_timestamp ?? null,
          });
        }
      }
    }
  }
  return activity;
}
