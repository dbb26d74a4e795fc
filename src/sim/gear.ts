import { ENCHANTS, GEMS, ITEM_ADJECTIVES, type ArmorType, type ClassInfo, type SpecInfo } from './catalog.js';
import type { Random } from './random.js';

export type ItemQuality = 'COMMON' | 'UNCOMMON' | 'RARE' | 'EPIC';

export interface UpgradeTrack {
  name: string;
  rank: number;
  max: number;
}

export interface SimItem {
  /** Battle.net slot type, e.g. 'HEAD', 'FINGER_1', 'MAIN_HAND'. */
  slot: string;
  /** Battle.net inventory type, e.g. 'ROBE', 'HAND', 'TWOHWEAPON', 'HOLDABLE'. */
  inventoryType: string;
  itemId: number;
  name: string;
  itemLevel: number;
  quality: ItemQuality;
  track: UpgradeTrack | null;
  itemClass: readonly [number, string];
  itemSubclass: readonly [number, string];
  enchantmentId: number | null;
  /** Gem item id per socket; null is an empty socket. */
  sockets: Array<number | null>;
  setId: number | null;
}

/**
 * Upgrade tracks on an invented Midnight scale (step 3 per rank): together they span ~217–297, so characters land
 * around the season's targets (200–289), some behind and some ahead.
 */
const TRACKS = [
  { name: 'Explorer', base: 217, max: 8 },
  { name: 'Adventurer', base: 230, max: 8 },
  { name: 'Veteran', base: 243, max: 8 },
  { name: 'Champion', base: 256, max: 8 },
  { name: 'Hero', base: 269, max: 6 },
  { name: 'Myth', base: 282, max: 6 },
] as const;
const STEP = 3;
const LOWEST = TRACKS[0].base;
const HIGHEST = TRACKS[5].base + STEP * (TRACKS[5].max - 1);
const CRAFTED_LEVELS = [272, 279, 285, 291];

export const ARMOR_SLOTS = ['HEAD', 'SHOULDER', 'CHEST', 'WAIST', 'LEGS', 'FEET', 'WRIST', 'HANDS'] as const;
const TIER_SLOTS = new Set(['HEAD', 'SHOULDER', 'CHEST', 'HANDS', 'LEGS']);
const ENCHANT_SLOTS = new Set(['HEAD', 'SHOULDER', 'BACK', 'CHEST', 'WRIST', 'LEGS', 'FEET', 'FINGER_1', 'FINGER_2']);
const WEAPON_TYPES = new Set(['WEAPON', 'TWOHWEAPON', 'RANGED', 'RANGEDRIGHT']);

const ARMOR_NOUNS: Record<(typeof ARMOR_SLOTS)[number], Record<ArmorType, string>> = {
  HEAD: { Cloth: 'Hood', Leather: 'Mask', Mail: 'Coif', Plate: 'Greathelm' },
  SHOULDER: { Cloth: 'Mantle', Leather: 'Shoulderpads', Mail: 'Spaulders', Plate: 'Pauldrons' },
  CHEST: { Cloth: 'Robes', Leather: 'Tunic', Mail: 'Hauberk', Plate: 'Breastplate' },
  WAIST: { Cloth: 'Cord', Leather: 'Belt', Mail: 'Chain', Plate: 'Girdle' },
  LEGS: { Cloth: 'Leggings', Leather: 'Breeches', Mail: 'Legguards', Plate: 'Legplates' },
  FEET: { Cloth: 'Slippers', Leather: 'Boots', Mail: 'Sabatons', Plate: 'Greaves' },
  WRIST: { Cloth: 'Cuffs', Leather: 'Bindings', Mail: 'Bracers', Plate: 'Vambraces' },
  HANDS: { Cloth: 'Handwraps', Leather: 'Grips', Mail: 'Gauntlets', Plate: 'Gauntlets' },
};
const ARMOR_SUBCLASS: Record<ArmorType, readonly [number, string]> = {
  Cloth: [1, 'Cloth'],
  Leather: [2, 'Leather'],
  Mail: [3, 'Mail'],
  Plate: [4, 'Plate'],
};
const ARMOR: readonly [number, string] = [4, 'Armor'];
const WEAPON: readonly [number, string] = [2, 'Weapon'];
const MISC: readonly [number, string] = [0, 'Miscellaneous'];

interface WeaponKind {
  inventoryType: string;
  itemClass: readonly [number, string];
  subclass: readonly [number, string];
  noun: string;
}
const WEAPONS = {
  greatsword: { inventoryType: 'TWOHWEAPON', itemClass: WEAPON, subclass: [8, 'Sword'], noun: 'Greatsword' },
  greataxe: { inventoryType: 'TWOHWEAPON', itemClass: WEAPON, subclass: [1, 'Axe'], noun: 'Greataxe' },
  polearm: { inventoryType: 'TWOHWEAPON', itemClass: WEAPON, subclass: [6, 'Polearm'], noun: 'Halberd' },
  staff: { inventoryType: 'TWOHWEAPON', itemClass: WEAPON, subclass: [10, 'Staff'], noun: 'Staff' },
  bow: { inventoryType: 'RANGED', itemClass: WEAPON, subclass: [2, 'Bow'], noun: 'Longbow' },
  gun: { inventoryType: 'RANGEDRIGHT', itemClass: WEAPON, subclass: [3, 'Gun'], noun: 'Rifle' },
  dagger: { inventoryType: 'WEAPON', itemClass: WEAPON, subclass: [15, 'Dagger'], noun: 'Dagger' },
  sword: { inventoryType: 'WEAPON', itemClass: WEAPON, subclass: [7, 'Sword'], noun: 'Blade' },
  mace: { inventoryType: 'WEAPON', itemClass: WEAPON, subclass: [4, 'Mace'], noun: 'Mace' },
  fist: { inventoryType: 'WEAPON', itemClass: WEAPON, subclass: [13, 'Fist Weapon'], noun: 'Claw' },
  warglaive: { inventoryType: 'WEAPON', itemClass: WEAPON, subclass: [9, 'Warglaives'], noun: 'Warglaive' },
  shield: { inventoryType: 'SHIELD', itemClass: ARMOR, subclass: [6, 'Shield'], noun: 'Bulwark' },
  tome: { inventoryType: 'HOLDABLE', itemClass: ARMOR, subclass: MISC, noun: 'Tome' },
} satisfies Record<string, WeaponKind>;

const DUAL_WIELD: Readonly<Record<string, WeaponKind>> = {
  Rogue: WEAPONS.dagger,
  'Demon Hunter': WEAPONS.warglaive,
  Monk: WEAPONS.fist,
  Shaman: WEAPONS.mace,
};

function handsFor(rng: Random, cls: ClassInfo, spec: SpecInfo): WeaponKind[] {
  switch (spec.kit) {
    case 'two-hand':
      return [rng.pick([WEAPONS.greatsword, WEAPONS.greataxe, WEAPONS.polearm])];
    case 'titans-grip':
      return [WEAPONS.greatsword, WEAPONS.greataxe];
    case 'shield':
      return [rng.pick([WEAPONS.sword, WEAPONS.mace]), WEAPONS.shield];
    case 'ranged':
      return [rng.pick([WEAPONS.bow, WEAPONS.gun])];
    case 'staff':
      return [rng.pick([WEAPONS.staff, WEAPONS.polearm])];
    case 'dual': {
      const kind = DUAL_WIELD[cls.name] ?? WEAPONS.sword;
      return [kind, kind];
    }
    case 'caster':
      return rng.chance(0.6) ? [WEAPONS.staff] : [rng.pick([WEAPONS.sword, WEAPONS.mace, WEAPONS.dagger]), WEAPONS.tome];
  }
}

export interface GearProfile {
  /** The character's typical item level; each piece scatters around it. */
  baseLevel: number;
  /** 0..1: how reliably this player enchants and gems. */
  diligence: number;
  /** Characters below max level wear levelling gear: no tracks, no tier. */
  isLevelling: boolean;
}

export function generateGear(rng: Random, cls: ClassInfo, spec: SpecInfo, profile: GearProfile): SimItem[] {
  const items: SimItem[] = [];
  const piece = (slot: string, inventoryType: string, itemClass: readonly [number, string], itemSubclass: readonly [number, string], noun: string) => {
    const isTier = !profile.isLevelling && TIER_SLOTS.has(slot) && rng.chance(0.55);
    const item = makeItem(rng, profile, { slot, inventoryType, itemClass, itemSubclass });
    item.name = isTier ? `${cls.tierSet.piece} ${noun}` : `${rng.pick(ITEM_ADJECTIVES)} ${noun}`;
    item.itemId = itemIdFor(item.name);
    if (isTier) item.setId = cls.tierSet.id;
    items.push(item);
  };

  const armor = (slot: (typeof ARMOR_SLOTS)[number], inventoryType: string = slot) =>
    piece(slot, inventoryType, ARMOR, ARMOR_SUBCLASS[cls.armor], ARMOR_NOUNS[slot][cls.armor]);

  armor('HEAD');
  piece('NECK', 'NECK', ARMOR, MISC, rng.pick(['Choker', 'Pendant', 'Amulet']));
  armor('SHOULDER');
  if (rng.chance(0.4)) items.push(cosmetic('SHIRT', 'BODY', 'Fine Crimson Shirt', 'COMMON'));
  armor('CHEST', cls.armor === 'Cloth' && rng.chance(0.5) ? 'ROBE' : 'CHEST');
  armor('WAIST');
  armor('LEGS');
  armor('FEET');
  armor('WRIST');
  armor('HANDS', 'HAND');
  piece('FINGER_1', 'FINGER', ARMOR, MISC, rng.pick(['Band', 'Signet', 'Loop']));
  piece('FINGER_2', 'FINGER', ARMOR, MISC, rng.pick(['Band', 'Signet', 'Loop']));
  piece('TRINKET_1', 'TRINKET', ARMOR, MISC, rng.pick(['Idol', 'Sigil', 'Phial', 'Charm']));
  piece('TRINKET_2', 'TRINKET', ARMOR, MISC, rng.pick(['Idol', 'Sigil', 'Phial', 'Charm']));
  piece('BACK', 'CLOAK', ARMOR, ARMOR_SUBCLASS.Cloth, rng.pick(['Cloak', 'Drape', 'Shroud']));
  const [mainHand, offHand] = handsFor(rng, cls, spec);
  if (mainHand) piece('MAIN_HAND', mainHand.inventoryType, mainHand.itemClass, mainHand.subclass, mainHand.noun);
  if (offHand) piece('OFF_HAND', offHand.inventoryType, offHand.itemClass, offHand.subclass, offHand.noun);
  if (rng.chance(0.3)) items.push(cosmetic('TABARD', 'TABARD', 'Tabard of the Argent Vigil', 'RARE'));

  // Levelling alts sometimes have a slot with nothing in it.
  if (profile.isLevelling && rng.chance(0.3)) {
    const gap = rng.pick(['TRINKET_2', 'FINGER_2', 'NECK']);
    return items.filter((item) => item.slot !== gap);
  }
  return items;
}

function makeItem(
  rng: Random,
  profile: GearProfile,
  shape: Pick<SimItem, 'slot' | 'inventoryType' | 'itemClass' | 'itemSubclass'>,
): SimItem {
  const item: SimItem = {
    slot: shape.slot,
    inventoryType: shape.inventoryType,
    itemClass: shape.itemClass,
    itemSubclass: shape.itemSubclass,
    itemId: 0,
    name: '',
    itemLevel: 0,
    quality: 'EPIC',
    track: null,
    enchantmentId: null,
    sockets: [],
    setId: null,
  };
  const want = profile.baseLevel + rng.normal(0, profile.isLevelling ? 4 : 6);
  if (profile.isLevelling) {
    item.itemLevel = Math.max(100, Math.round(want));
    item.quality = rng.chance(0.7) ? 'RARE' : 'UNCOMMON';
  } else if (rng.chance(0.06)) {
    item.itemLevel = nearest(CRAFTED_LEVELS, want);
  } else {
    setTrack(item, trackFor(rng, want));
  }
  const isWeapon = WEAPON_TYPES.has(shape.inventoryType);
  if ((ENCHANT_SLOTS.has(shape.slot) || isWeapon) && rng.chance(profile.diligence)) {
    item.enchantmentId = rng.pick(isWeapon ? ENCHANTS.weapon! : shape.slot.startsWith('FINGER') ? ENCHANTS.ring! : ENCHANTS.armor!)[0];
  }
  for (let i = socketCount(rng, shape.slot); i > 0; i -= 1) item.sockets.push(rng.chance(profile.diligence) ? rng.pick(GEMS)[0] : null);
  return item;
}

function socketCount(rng: Random, slot: string): number {
  if (slot === 'NECK' || slot.startsWith('FINGER')) return 2;
  if ((slot === 'HEAD' || slot === 'WRIST' || slot === 'WAIST') && rng.chance(0.35)) return 1;
  return 0;
}

function trackFor(rng: Random, want: number): UpgradeTrack {
  const level = Math.min(HIGHEST, Math.max(LOWEST, want));
  const fitting = TRACKS.filter((t) => level >= t.base && level <= t.base + STEP * (t.max - 1));
  const track = rng.pick(fitting.length > 0 ? fitting : [TRACKS[0]]);
  const rank = Math.min(track.max, Math.max(1, Math.round((level - track.base) / STEP) + 1));
  return { name: track.name, rank, max: track.max };
}

function setTrack(item: SimItem, track: UpgradeTrack): void {
  const info = TRACKS.find((t) => t.name === track.name) ?? TRACKS[0];
  item.track = track;
  item.itemLevel = info.base + STEP * (track.rank - 1);
  item.quality = info.base >= TRACKS[3].base ? 'EPIC' : 'RARE';
}

/** One upgrade step: the next rank of the item's track, or the first rank of the next track when maxed. */
export function upgradeItem(item: SimItem): void {
  const track = item.track;
  if (!track) {
    item.itemLevel = Math.min(HIGHEST, item.itemLevel + STEP);
    return;
  }
  if (track.rank < track.max) {
    setTrack(item, { ...track, rank: track.rank + 1 });
    return;
  }
  const next = TRACKS[TRACKS.findIndex((t) => t.name === track.name) + 1];
  if (next) setTrack(item, { name: next.name, rank: Math.max(1, track.rank - 4), max: next.max });
}

function cosmetic(slot: string, inventoryType: string, name: string, quality: ItemQuality): SimItem {
  return { slot, inventoryType, itemId: itemIdFor(name), name, itemLevel: 1, quality, track: null, itemClass: ARMOR, itemSubclass: MISC, enchantmentId: null, sockets: [], setId: null };
}

function nearest(levels: readonly number[], want: number): number {
  return levels.reduce((best, level) => (Math.abs(level - want) < Math.abs(best - want) ? level : best));
}

/** Stable item ids: the same name is always the same item, like the game's item table. */
function itemIdFor(name: string): number {
  let hash = 0;
  for (const char of name) hash = (Math.imul(hash, 31) + char.charCodeAt(0)) >>> 0;
  return 240000 + (hash % 20000);
}

export function trackLabel(track: UpgradeTrack): string {
  return `${track.name} ${track.rank}/${track.max}`;
}

/** The game's equipped item level: 16 slots, shirt and tabard ignored, a lone two-hander counted twice, floored. */
export function equippedItemLevel(items: readonly SimItem[]): number {
  let sum = 0;
  for (const item of items) {
    if (item.slot === 'SHIRT' || item.slot === 'TABARD') continue;
    sum += item.itemLevel;
  }
  const mainHand = items.find((i) => i.slot === 'MAIN_HAND');
  const hasOffHand = items.some((i) => i.slot === 'OFF_HAND');
  // Wands are RANGEDRIGHT too, but one-handed (weapon subclass 19).
  const isWand = mainHand?.itemClass[0] === 2 && mainHand.itemSubclass[0] === 19;
  if (mainHand && !hasOffHand && !isWand && ['TWOHWEAPON', 'RANGED', 'RANGEDRIGHT'].includes(mainHand.inventoryType)) sum += mainHand.itemLevel;
  return Math.floor(sum / 16);
}
