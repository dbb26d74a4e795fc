import { ENCHANTS, GEMS, classById } from './catalog.js';
import { equippedItemLevel, trackLabel, type SimItem } from './gear.js';
import { guildSlugOf, LEVEL_CAP, type SimCharacter, type SimGuild } from './world.js';
import profileTemplate from './templates/profile.json' with { type: 'json' };
import armorItemTemplate from './templates/equipment-armor-item.json' with { type: 'json' };
import weaponItemTemplate from './templates/equipment-weapon-item.json' with { type: 'json' };
import equipmentTemplate from './templates/equipment.json' with { type: 'json' };
import rosterTemplate from './templates/roster.json' with { type: 'json' };
import rosterMemberTemplate from './templates/roster-member.json' with { type: 'json' };

/**
 * Battle.net JSON for simulated characters and guilds. Each body starts from a recorded response
 * (src/sim/templates) and overrides what differs, so the fields nobody reads are as real as the ones we do.
 */

const STATIC_BUILD = 'static-12.0.1_65617';
const TEMPLATE_CHARACTER_PATH = 'https://us.api.blizzard.com/profile/wow/character/malorne/jw';

type Json = Record<string, unknown>;

const host = (region: string) => `https://${region}.api.blizzard.com`;
const staticRef = (region: string, path: string) => ({ href: `${host(region)}/data/wow/${path}?namespace=${STATIC_BUILD}-${region}` });
const realmRef = (region: string, id: number) => ({ href: `${host(region)}/data/wow/realm/${id}?namespace=dynamic-${region}` });

export function characterHref(c: SimCharacter, suffix = ''): string {
  return `${host(c.region)}/profile/wow/character/${c.realm.slug}/${encodeURIComponent(c.name.toLowerCase())}${suffix}?namespace=profile-${c.region}`;
}

function guildHref(guild: SimGuild, suffix = ''): string {
  const slug = encodeURIComponent(guildSlugOf(guild));
  return `${host(guild.region)}/data/wow/guild/${guild.realm.slug}/${slug}${suffix}?namespace=profile-${guild.region}`;
}

const isLink = (value: unknown): value is { href: string } =>
  typeof value === 'object' && value !== null && Object.keys(value).length === 1 && typeof (value as Json).href === 'string';

export function characterSummary(c: SimCharacter): Json {
  return {
    key: { href: characterHref(c) },
    name: c.name,
    id: c.id,
    realm: { key: realmRef(c.region, c.realm.id), name: c.realm.name, id: c.realm.id, slug: c.realm.slug },
  };
}

export function renderProfile(c: SimCharacter, guild: SimGuild | undefined): Json {
  const cls = classById(c.classId);
  const prefix = characterHref(c).split('?')[0] as string;
  const body: Json = {};
  for (const [key, value] of Object.entries(profileTemplate)) {
    // Links to the character's sub-resources keep their template order and point at this character.
    body[key] = isLink(value)
      ? { href: value.href.replace(TEMPLATE_CHARACTER_PATH, prefix).replace('namespace=profile-us', `namespace=profile-${c.region}`) }
      : value;
  }
  const equipped = equippedItemLevel(c.items);
  Object.assign(body, {
    id: c.id,
    name: c.name,
    gender: { type: c.gender, name: c.gender === 'MALE' ? 'Male' : 'Female' },
    faction: { type: c.faction, name: c.faction === 'ALLIANCE' ? 'Alliance' : 'Horde' },
    race: { key: staticRef(c.region, `playable-race/${c.race[0]}`), name: c.race[1], id: c.race[0] },
    character_class: { key: staticRef(c.region, `playable-class/${cls.id}`), name: cls.name, id: cls.id },
    active_spec: { key: staticRef(c.region, `playable-specialization/${c.specId}`), name: c.specName, id: c.specId },
    realm: characterSummary(c).realm,
    guild: guild
      ? {
          key: { href: guildHref(guild) },
          name: guild.name,
          id: guild.blizzardId,
          realm: { key: realmRef(guild.region, guild.realm.id), name: guild.realm.name, id: guild.realm.id, slug: guild.realm.slug },
          faction: { type: guild.faction, name: guild.faction === 'ALLIANCE' ? 'Alliance' : 'Horde' },
        }
      : undefined,
    level: c.level,
    achievement_points: c.achievementPoints,
    last_login_timestamp: c.lastLogin,
    average_item_level: equipped + (c.id % 4),
    equipped_item_level: equipped,
    name_search: c.name,
  });
  if (!guild) delete body.guild;
  delete body.covenant_progress;
  return body;
}

const QUALITY_NAMES: Record<string, string> = { COMMON: 'Common', UNCOMMON: 'Uncommon', RARE: 'Rare', EPIC: 'Epic' };
const TRACK_COLOR = { r: 0, g: 255, b: 0, a: 1.0 };
const SLOT_NAMES: Record<string, string> = {
  HEAD: 'Head', NECK: 'Neck', SHOULDER: 'Shoulders', SHIRT: 'Shirt', CHEST: 'Chest', WAIST: 'Waist', LEGS: 'Legs',
  FEET: 'Feet', WRIST: 'Wrist', HANDS: 'Hands', FINGER_1: 'Ring 1', FINGER_2: 'Ring 2', TRINKET_1: 'Trinket 1',
  TRINKET_2: 'Trinket 2', BACK: 'Back', MAIN_HAND: 'Main Hand', OFF_HAND: 'Off Hand', TABARD: 'Tabard',
};
const INVENTORY_NAMES: Record<string, string> = {
  HEAD: 'Head', NECK: 'Neck', SHOULDER: 'Shoulder', BODY: 'Shirt', CHEST: 'Chest', ROBE: 'Chest', WAIST: 'Waist',
  LEGS: 'Legs', FEET: 'Feet', WRIST: 'Wrist', HAND: 'Hands', FINGER: 'Finger', TRINKET: 'Trinket', CLOAK: 'Back',
  WEAPON: 'One-Hand', TWOHWEAPON: 'Two-Hand', RANGED: 'Ranged', RANGEDRIGHT: 'Ranged', SHIELD: 'Off Hand',
  HOLDABLE: 'Held In Off-hand', TABARD: 'Tabard',
};
const WEAPON_TYPES = new Set(['WEAPON', 'TWOHWEAPON', 'RANGED', 'RANGEDRIGHT']);
const ENCHANT_TEXT = new Map(Object.values(ENCHANTS).flat());
const GEM_INFO = new Map(GEMS.map(([id, name, text]) => [id, { name, text }]));

function renderItem(c: SimCharacter, item: SimItem): Json {
  const region = c.region;
  const isWeapon = WEAPON_TYPES.has(item.inventoryType);
  const isCosmetic = item.slot === 'SHIRT' || item.slot === 'TABARD';
  const template: Json = isWeapon ? weaponItemTemplate : armorItemTemplate;
  const body: Json = {
    item: { key: staticRef(region, `item/${item.itemId}`), id: item.itemId },
    ...(item.sockets.length > 0 ? { sockets: item.sockets.map((gem) => renderSocket(region, gem)) } : {}),
    slot: { type: item.slot, name: SLOT_NAMES[item.slot] ?? item.slot },
    quantity: 1,
    context: isCosmetic ? 0 : template.context,
    ...(isCosmetic ? {} : { bonus_list: template.bonus_list }),
    quality: { type: item.quality, name: QUALITY_NAMES[item.quality] ?? item.quality },
    name: item.name,
    media: { key: staticRef(region, `media/item/${item.itemId}`), id: item.itemId },
    item_class: { key: staticRef(region, `item-class/${item.itemClass[0]}`), name: item.itemClass[1], id: item.itemClass[0] },
    item_subclass: {
      key: staticRef(region, `item-class/${item.itemClass[0]}/item-subclass/${item.itemSubclass[0]}`),
      name: item.itemSubclass[1],
      id: item.itemSubclass[0],
    },
    inventory_type: { type: item.inventoryType, name: INVENTORY_NAMES[item.inventoryType] ?? item.inventoryType },
    binding: template.binding,
    ...(isCosmetic ? {} : isWeapon ? { weapon: template.weapon, stats: template.stats } : { armor: template.armor, stats: template.stats }),
    ...(isCosmetic ? {} : { sell_price: template.sell_price, requirements: { level: { value: LEVEL_CAP, display_string: `Requires Level ${LEVEL_CAP}` } } }),
    ...(item.setId !== null ? { set: renderSet(c, item.setId) } : {}),
    level: { value: item.itemLevel, display_string: `Item Level ${item.itemLevel}` },
    ...(isCosmetic || item.slot === 'NECK' || item.slot.startsWith('FINGER') || item.slot.startsWith('TRINKET') ? {} : { durability: template.durability }),
    ...(item.track ? { name_description: { display_string: trackLabel(item.track), color: TRACK_COLOR } } : {}),
  };
  if (item.enchantmentId !== null) {
    body.enchantments = [
      {
        display_string: `${ENCHANT_TEXT.get(item.enchantmentId) ?? 'Enchanted'} |A:Professions-ChatIcon-Quality-Tier3:20:20|a`,
        enchantment_id: item.enchantmentId,
        enchantment_slot: { id: 0, type: 'PERMANENT' },
      },
    ];
  }
  return body;
}

function renderSocket(region: string, gemId: number | null): Json {
  const socketType = { type: 'PRISMATIC', name: 'Prismatic Socket' };
  if (gemId === null) return { socket_type: socketType };
  const gem = GEM_INFO.get(gemId);
  return {
    socket_type: socketType,
    item: { key: staticRef(region, `item/${gemId}`), name: gem?.name ?? 'Gem', id: gemId },
    display_string: gem?.text ?? '',
    media: { key: staticRef(region, `media/item/${gemId}`), id: gemId },
  };
}

function renderSet(c: SimCharacter, setId: number): Json {
  const cls = classById(c.classId);
  const pieces = c.items.filter((i) => i.setId === setId);
  const equippedCount = pieces.length;
  const slots = ['HEAD', 'SHOULDER', 'CHEST', 'HANDS', 'LEGS'];
  const nouns = ['Helm', 'Mantle', 'Chestguard', 'Gloves', 'Legwraps'];
  return {
    item_set: { key: staticRef(c.region, `item-set/${setId}`), name: cls.tierSet.name, id: setId },
    items: slots.map((slot, i) => {
      const worn = pieces.find((p) => p.slot === slot);
      const name = worn?.name ?? `${cls.tierSet.piece} ${nouns[i]}`;
      const id = worn?.itemId ?? setId * 100 + i;
      return { item: { key: staticRef(c.region, `item/${id}`), name, id }, ...(worn ? { is_equipped: true } : {}) };
    }),
    effects: [2, 4].map((required) => ({
      display_string: `Set: Damage and healing increased by ${required === 2 ? 6 : 10}%.`,
      required_count: required,
      ...(equippedCount >= required ? { is_active: true } : {}),
    })),
    display_string: `${cls.tierSet.name} (${equippedCount}/5)`,
  };
}

export function renderEquipment(c: SimCharacter): Json {
  const setIds = [...new Set(c.items.map((i) => i.setId).filter((id): id is number => id !== null))];
  return {
    ...equipmentTemplate,
    _links: { self: { href: characterHref(c, '/equipment') } },
    character: characterSummary(c),
    equipped_items: c.items.map((item) => renderItem(c, item)),
    equipped_item_sets: setIds.map((id) => renderSet(c, id)),
  };
}

export function renderSpecializations(c: SimCharacter): Json {
  const cls = classById(c.classId);
  const specRef = (id: number, name: string) => ({ key: staticRef(c.region, `playable-specialization/${id}`), name, id });
  return {
    _links: { self: { href: characterHref(c, '/specializations') } },
    specializations: cls.specs.map((spec) => ({
      specialization: specRef(spec.id, spec.name),
      loadouts: [{ is_active: spec.id === c.specId, talent_loadout_code: `C${spec.id}AAAAAAAAAAAAAAAAAAAAAAAAAAAA`, selected_class_talents: [], selected_spec_talents: [] }],
    })),
    active_specialization: specRef(c.specId, c.specName),
    character: characterSummary(c),
  };
}

export function renderStatus(c: SimCharacter): Json {
  return { _links: { self: { href: characterHref(c, '/status') } }, id: c.id, is_valid: true };
}

export function renderRoster(guild: SimGuild): Json {
  const region = guild.region;
  return {
    ...rosterTemplate,
    _links: { self: { href: guildHref(guild, '/roster') } },
    guild: {
      key: { href: guildHref(guild) },
      name: guild.name,
      id: guild.blizzardId,
      realm: { key: realmRef(region, guild.realm.id), name: guild.realm.name, id: guild.realm.id, slug: guild.realm.slug },
      faction: { type: guild.faction, name: guild.faction === 'ALLIANCE' ? 'Alliance' : 'Horde' },
    },
    members: guild.roster.map((c) => ({
      ...rosterMemberTemplate,
      character: {
        key: { href: characterHref(c) },
        name: c.name,
        id: c.id,
        realm: { key: realmRef(region, c.realm.id), id: c.realm.id, slug: c.realm.slug },
        level: c.level,
        playable_class: { key: staticRef(region, `playable-class/${c.classId}`), id: c.classId },
        playable_race: { key: staticRef(region, `playable-race/${c.race[0]}`), id: c.race[0] },
        faction: { type: c.faction },
      },
      rank: c.guild?.rank ?? 0,
    })),
  };
}
