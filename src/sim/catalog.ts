/**
 * Static game data the simulated world is built from: classes and specs (Battle.net ids), races, realms,
 * guild ranks and the words character and item names are made of.
 */

export type ArmorType = 'Cloth' | 'Leather' | 'Mail' | 'Plate';

/** How a spec fills its hands; decides one- or two-handers, shields and off-hand items. */
export type WeaponKit = 'two-hand' | 'titans-grip' | 'shield' | 'ranged' | 'staff' | 'dual' | 'caster';

export interface SpecInfo {
  id: number;
  name: string;
  kit: WeaponKit;
}

export interface ClassInfo {
  id: number;
  name: string;
  armor: ArmorType;
  specs: readonly SpecInfo[];
  /** Tier set of this class (invented for the season): piece names start with `piece`. */
  tierSet: { id: number; name: string; piece: string };
}

export const CLASSES: readonly ClassInfo[] = [
  { id: 1, name: 'Warrior', armor: 'Plate', specs: [{ id: 71, name: 'Arms', kit: 'two-hand' }, { id: 72, name: 'Fury', kit: 'titans-grip' }, { id: 73, name: 'Protection', kit: 'shield' }], tierSet: { piece: "Nightfort Ravager's", id: 1931, name: "Rage of the Night Fortress" } },
  { id: 2, name: 'Paladin', armor: 'Plate', specs: [{ id: 65, name: 'Holy', kit: 'shield' }, { id: 66, name: 'Protection', kit: 'shield' }, { id: 70, name: 'Retribution', kit: 'two-hand' }], tierSet: { piece: "Luminant Verdict's", id: 1932, name: "Luminant Verdict's Vestments" } },
  { id: 3, name: 'Hunter', armor: 'Mail', specs: [{ id: 253, name: 'Beast Mastery', kit: 'ranged' }, { id: 254, name: 'Marksmanship', kit: 'ranged' }, { id: 255, name: 'Survival', kit: 'two-hand' }], tierSet: { piece: "Primal Sentry's", id: 1933, name: "Primal Sentry's Camouflage" } },
  { id: 4, name: 'Rogue', armor: 'Leather', specs: [{ id: 259, name: 'Assassination', kit: 'dual' }, { id: 260, name: 'Outlaw', kit: 'dual' }, { id: 261, name: 'Subtlety', kit: 'dual' }], tierSet: { piece: "Grim Jester's", id: 1934, name: "Motley of the Grim Jest" } },
  { id: 5, name: 'Priest', armor: 'Cloth', specs: [{ id: 256, name: 'Discipline', kit: 'caster' }, { id: 257, name: 'Holy', kit: 'caster' }, { id: 258, name: 'Shadow', kit: 'caster' }], tierSet: { piece: "Blind Oath's", id: 1935, name: "Blind Oath's Winding" } },
  { id: 6, name: 'Death Knight', armor: 'Plate', specs: [{ id: 250, name: 'Blood', kit: 'two-hand' }, { id: 251, name: 'Frost', kit: 'two-hand' }, { id: 252, name: 'Unholy', kit: 'two-hand' }], tierSet: { piece: "Relentless Rider's", id: 1936, name: "Relentless Rider's Lament" } },
  { id: 7, name: 'Shaman', armor: 'Mail', specs: [{ id: 262, name: 'Elemental', kit: 'shield' }, { id: 263, name: 'Enhancement', kit: 'dual' }, { id: 264, name: 'Restoration', kit: 'shield' }], tierSet: { piece: "Gale Sovereign's", id: 1937, name: "Currents of the Gale Sovereign" } },
  { id: 8, name: 'Mage', armor: 'Cloth', specs: [{ id: 62, name: 'Arcane', kit: 'caster' }, { id: 63, name: 'Fire', kit: 'caster' }, { id: 64, name: 'Frost', kit: 'caster' }], tierSet: { piece: "Ephemeral Augur's", id: 1938, name: "Augur's Ephemeral Plumage" } },
  { id: 9, name: 'Warlock', armor: 'Cloth', specs: [{ id: 265, name: 'Affliction', kit: 'caster' }, { id: 266, name: 'Demonology', kit: 'caster' }, { id: 267, name: 'Destruction', kit: 'caster' }], tierSet: { piece: "Ruinous Inquisitor's", id: 1939, name: "Inquisitor's Feast of Ruin" } },
  { id: 10, name: 'Monk', armor: 'Leather', specs: [{ id: 268, name: 'Brewmaster', kit: 'staff' }, { id: 269, name: 'Windwalker', kit: 'dual' }, { id: 270, name: 'Mistweaver', kit: 'staff' }], tierSet: { piece: "Fallen Storm's", id: 1940, name: "Fallen Storms' Tranquility" } },
  { id: 11, name: 'Druid', armor: 'Leather', specs: [{ id: 102, name: 'Balance', kit: 'staff' }, { id: 103, name: 'Feral', kit: 'staff' }, { id: 104, name: 'Guardian', kit: 'staff' }, { id: 105, name: 'Restoration', kit: 'staff' }], tierSet: { piece: "Mother Eagle's", id: 1941, name: "Ornaments of the Mother Eagle" } },
  { id: 12, name: 'Demon Hunter', armor: 'Leather', specs: [{ id: 577, name: 'Havoc', kit: 'dual' }, { id: 581, name: 'Vengeance', kit: 'dual' }, { id: 1480, name: 'Devourer', kit: 'dual' }], tierSet: { piece: "Devouring Reaver's", id: 1942, name: "Devouring Reaver's Sheathe" } },
  { id: 13, name: 'Evoker', armor: 'Mail', specs: [{ id: 1467, name: 'Devastation', kit: 'caster' }, { id: 1468, name: 'Preservation', kit: 'caster' }, { id: 1473, name: 'Augmentation', kit: 'caster' }], tierSet: { piece: "Black Talon's", id: 1943, name: "Livery of the Black Talon" } },
];

export function classById(id: number): ClassInfo {
  const info = CLASSES.find((c) => c.id === id);
  if (!info) throw new Error(`no class ${id}`);
  return info;
}

export type Faction = 'ALLIANCE' | 'HORDE';

const ALLIANCE_RACES = [[1, 'Human'], [3, 'Dwarf'], [4, 'Night Elf'], [7, 'Gnome'], [11, 'Draenei'], [22, 'Worgen'], [29, 'Void Elf'], [84, 'Earthen']] as const;
const HORDE_RACES = [[2, 'Orc'], [5, 'Undead'], [6, 'Tauren'], [8, 'Troll'], [9, 'Goblin'], [10, 'Blood Elf'], [27, 'Nightborne'], [85, 'Earthen']] as const;
export const DRACTHYR = { ALLIANCE: [52, 'Dracthyr'], HORDE: [70, 'Dracthyr'] } as const;

export function racesOf(faction: Faction): ReadonlyArray<readonly [number, string]> {
  return faction === 'ALLIANCE' ? ALLIANCE_RACES : HORDE_RACES;
}

export interface RealmInfo {
  slug: string;
  name: string;
  id: number;
}

/** Real realm slugs and ids; any other slug gets a name from its words and an id from its letters. */
const KNOWN_REALMS: readonly RealmInfo[] = [
  { slug: 'bleeding-hollow', name: 'Bleeding Hollow', id: 73 },
  { slug: 'kilrogg', name: 'Kilrogg', id: 4 },
  { slug: 'area-52', name: 'Area 52', id: 3676 },
  { slug: 'sargeras', name: 'Sargeras', id: 76 },
  { slug: 'tichondrius', name: 'Tichondrius', id: 11 },
  { slug: 'illidan', name: 'Illidan', id: 57 },
  { slug: 'malorne', name: 'Malorne', id: 1148 },
  { slug: 'argent-dawn', name: 'Argent Dawn', id: 536 },
  { slug: 'the-sha-tar', name: "The Sha'tar", id: 1085 },
  { slug: 'silvermoon', name: 'Silvermoon', id: 3391 },
  { slug: 'kazzak', name: 'Kazzak', id: 1305 },
  { slug: 'twisting-nether', name: 'Twisting Nether', id: 3674 },
];

export function realmInfo(slug: string): RealmInfo {
  const known = KNOWN_REALMS.find((r) => r.slug === slug);
  if (known) return known;
  const name = slug
    .split('-')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join(' ');
  let id = 0;
  for (const char of slug) id = (id * 31 + char.charCodeAt(0)) % 9000;
  return { slug, name, id: 1000 + id };
}

/** guild-api rank names by rank id (0 = Guild Master). Battle.net's roster carries only the numbers. */
export const RANK_NAMES = ['Guild Master', 'Officer', 'Officer Alt', 'Raider', 'Trial', 'Social', 'Alt'] as const;
export const ALT_RANK = 6;

export function rankName(rankId: number): string {
  return RANK_NAMES[rankId] ?? `Rank ${rankId}`;
}

/** Syllables of generated character names (WoW names: letters only, 2–12 characters). */
export const NAME_STARTS = ['Ar', 'Bel', 'Cor', 'Dra', 'El', 'Fen', 'Gal', 'Hal', 'Il', 'Jor', 'Kel', 'Lor', 'Mor', 'Nar', 'Or', 'Pel', 'Quel', 'Ror', 'Sar', 'Tal', 'Ul', 'Val', 'Wyn', 'Xan', 'Yor', 'Zul', 'Thal', 'Gro', 'Bri', 'Ka', 'Sha', 'Vor', 'Ae', 'Ny', 'Rha'];
export const NAME_MIDDLES = ['a', 'e', 'i', 'o', 'u', 'ae', 'ia', 'or', 'an', 'el', 'ar', 'in', 'ul', 'ys'];
export const NAME_ENDS = ['dor', 'gar', 'wen', 'rin', 'thas', 'mir', 'nos', 'dra', 'lyn', 'vash', 'zak', 'rok', 'mar', 'ra', 'th', 'ion', 'ius', 'ka', 'na', 'zen', 'del', 'ris', 'gos', 'wyn'];
/** Accented letters real players use; a few names carry one so encoding bugs show up. */
export const ACCENTED = { a: 'á', e: 'é', i: 'í', o: 'ö', u: 'ú' } as const;

export const ITEM_ADJECTIVES = ['Voidbound', 'Sunwell', 'Dreamrift', 'Quel\'Danas', 'Spireborn', 'Twilight', 'Ashen', 'Radiant', 'Shadowed', 'Gilded', 'Runed', 'Everbloom', 'Netherlight', 'Duskwrought', 'Emberforged', 'Starfallen'];

export const ENCHANTS: Readonly<Record<string, readonly [number, string][]>> = {
  weapon: [[7981, 'Enchanted: Authority of Radiant Power'], [7987, 'Enchanted: Stormrider\'s Fury'], [7993, 'Enchanted: Council\'s Guile']],
  armor: [[7961, 'Enchanted: +12 Stamina'], [7955, 'Enchanted: +10 Intellect'], [7937, 'Enchanted: Avoidance'], [7967, 'Enchanted: Defender\'s March']],
  ring: [[7340, 'Enchanted: +26 Critical Strike'], [7346, 'Enchanted: +26 Haste'], [7352, 'Enchanted: +26 Mastery'], [7358, 'Enchanted: +26 Versatility']],
};

export const GEMS: readonly [number, string, string][] = [
  [213497, 'Versatile Onyx', '+10 Mastery and +3 Versatility'],
  [213473, 'Masterful Ruby', '+11 Mastery'],
  [213482, 'Quick Sapphire', '+11 Haste'],
  [213485, 'Deadly Emerald', '+11 Critical Strike'],
  [213747, 'Culminating Blasphemite', '+9 Primary Stat'],
];

/**
 * Midnight Season 1's raid (names and encounter ids illustrative), in journal order: one list for the simulated
 * Battle.net's encounters and WarcraftLogs' zone. `instance` indexes MIDNIGHT_RAID_INSTANCES.
 */
export const MIDNIGHT_RAID_INSTANCES = [
  { id: 1307, name: 'The Voidspire' },
  { id: 1308, name: 'The Dreamrift' },
  { id: 1309, name: "March on Quel'Danas" },
] as const;

export const RAID_BOSSES = [
  { instance: 0, id: 3176, name: 'Imperator Averzian' },
  { instance: 0, id: 3177, name: 'Vorasius' },
  { instance: 0, id: 3178, name: 'Fallen-King Salhadaar' },
  { instance: 0, id: 3179, name: 'Vaelgor & Ezzorak' },
  { instance: 0, id: 3180, name: 'Lightblinded Vanguard' },
  { instance: 0, id: 3181, name: 'Crown of the Cosmos' },
  { instance: 1, id: 3306, name: 'Chimaerus the Undreamt God' },
  { instance: 2, id: 3182, name: "Belo'ren, Child of Al'ar" },
  { instance: 2, id: 3183, name: 'Midnight Falls' },
] as const;
