import type { Role } from './types.js';

/** The 13 playable classes in Battle.net class-id order (1 Warrior … 13 Evoker). */
export const CLASS_NAMES = [
  'Warrior', 'Paladin', 'Hunter', 'Rogue', 'Priest', 'Death Knight', 'Shaman',
  'Mage', 'Warlock', 'Monk', 'Druid', 'Demon Hunter', 'Evoker',
] as const;
export type ClassName = (typeof CLASS_NAMES)[number];

/** Each class's specializations and the role each fills, as Battle.net's playable-specialization data has them. */
const SPEC_ROLES: Readonly<Record<ClassName, Readonly<Record<string, Role>>>> = {
  Warrior: { Arms: 'DPS', Fury: 'DPS', Protection: 'Tank' },
  Paladin: { Holy: 'Healer', Protection: 'Tank', Retribution: 'DPS' },
  Hunter: { 'Beast Mastery': 'DPS', Marksmanship: 'DPS', Survival: 'DPS' },
  Rogue: { Assassination: 'DPS', Outlaw: 'DPS', Subtlety: 'DPS' },
  Priest: { Discipline: 'Healer', Holy: 'Healer', Shadow: 'DPS' },
  'Death Knight': { Blood: 'Tank', Frost: 'DPS', Unholy: 'DPS' },
  Shaman: { Elemental: 'DPS', Enhancement: 'DPS', Restoration: 'Healer' },
  Mage: { Arcane: 'DPS', Fire: 'DPS', Frost: 'DPS' },
  Warlock: { Affliction: 'DPS', Demonology: 'DPS', Destruction: 'DPS' },
  Monk: { Brewmaster: 'Tank', Windwalker: 'DPS', Mistweaver: 'Healer' },
  Druid: { Balance: 'DPS', Feral: 'DPS', Guardian: 'Tank', Restoration: 'Healer' },
  // Devourer is the ranged spec Midnight adds.
  'Demon Hunter': { Havoc: 'DPS', Vengeance: 'Tank', Devourer: 'DPS' },
  Evoker: { Devastation: 'DPS', Preservation: 'Healer', Augmentation: 'DPS' },
};

export const SPECS_BY_CLASS: Readonly<Record<ClassName, readonly string[]>> = Object.freeze(
  Object.fromEntries(CLASS_NAMES.map((name) => [name, Object.freeze(Object.keys(SPEC_ROLES[name]))])) as Record<
    ClassName,
    readonly string[]
  >,
);

/** Letters only, lower-cased: "Death Knight", "DEATH_KNIGHT" and "death-knight" all become "deathknight". */
function compact(name: string): string {
  return name.toLowerCase().replace(/[^a-z]/g, '');
}

const CLASS_BY_KEY: ReadonlyMap<string, ClassName> = new Map(CLASS_NAMES.map((name) => [compact(name), name]));

/** The display name of a class however it was spelled, or null when it names no class. */
export function normaliseClassName(name: string): ClassName | null {
  return CLASS_BY_KEY.get(compact(name)) ?? null;
}

/** The class as it appears in URLs and filters ("death-knight"); unknown names are slugged as given. */
export function classSlug(name: string): string {
  const display = normaliseClassName(name) ?? name;
  return display.trim().toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
}

/**
 * The role of a specialization. The spec is looked up in its class; when the class is not recognised, in every
 * class, which is safe because a spec name shared by two classes (Holy, Protection, Restoration, Frost) has the
 * same role in both. A spec nobody knows is counted as DPS, the role most specs have.
 */
export function roleOf(className: string, specName: string | null): Role {
  const spec = specName?.trim().toLowerCase();
  if (!spec) return 'DPS';
  const knownClass = normaliseClassName(className);
  const tables = knownClass ? [SPEC_ROLES[knownClass]] : Object.values(SPEC_ROLES);
  for (const table of tables) {
    for (const [name, role] of Object.entries(table)) {
      if (name.toLowerCase() === spec) return role;
    }
  }
  return 'DPS';
}

const ROLES_BY_KEY: ReadonlyMap<string, Role> = new Map<string, Role>([
  ['tank', 'Tank'],
  ['healer', 'Healer'],
  ['dps', 'DPS'],
]);

/** A role typed by a user, any case ("tank", "DPS"), or null when it is not one. */
export function parseRole(input: string): Role | null {
  return ROLES_BY_KEY.get(input.trim().toLowerCase()) ?? null;
}
