import type { Region } from '../config.js';
import { DEFAULT_SEASON_PLAN } from '../domain/season-plan.js';
import { weekAt } from '../domain/season.js';
import { levelCapOf } from '../domain/expansions.js';
import { worldRankFor } from './wcl-ranks.js';
import { ALT_RANK, CLASSES, DRACTHYR, classById, racesOf, realmInfo, type Faction, type RealmInfo } from './catalog.js';
import { DEMO_GUILDS, DEMO_USERS, type FixedCharacter } from './demo.js';
import type { SimActivity } from './activity.js';
import { generateGear, type SimItem } from './gear.js';
import { uniqueName } from './names.js';
import { Random } from './random.js';

export interface SimCharacter {
  id: number;
  name: string;
  region: Region;
  realm: RealmInfo;
  level: number;
  classId: number;
  className: string;
  specId: number;
  specName: string;
  race: readonly [number, string];
  gender: 'MALE' | 'FEMALE';
  faction: Faction;
  /** Battle.net's view: the guild whose roster lists this character, and its rank there. */
  guild: { id: number; rank: number } | null;
  ownerBnetId: number;
  items: SimItem[];
  /** Last-Modified of the character's profile resources, in whole seconds (HTTP dates have no milliseconds). */
  lastModified: number;
  lastLogin: number;
  achievementPoints: number;
  /** The weekly routine behind its Mythic+ and raid endpoints; generated on first use unless a test set it. */
  activity?: SimActivity;
}

/** guild-api's view of a member: who owns the character and at which rank. */
export interface SimMembership {
  characterName: string;
  realmSlug: string;
  bnetId: number;
  rankId: number;
}

export interface SimGuild {
  /** guild-api's id. */
  id: number;
  /** Battle.net's id. */
  blizzardId: number;
  name: string;
  region: Region;
  realm: RealmInfo;
  faction: Faction;
  /** guild-api's members list. */
  members: SimMembership[];
  /** Battle.net's roster, in roster order. */
  roster: SimCharacter[];
  rosterLastModified: number;
  /** Ranks allowed to use the progress tool (guild-api's per-tool setting); null = every member. */
  progressMaxRank: number | null;
  warcraftLogs: { id: number; killsByDifficulty: Record<number, number>; progressRank: number; speedRank: number | null };
}

export interface WorldGuildSpec {
  id: number;
  name: string;
  realm: string;
  region: Region;
  members: number;
  faction?: Faction;
}

export interface WorldSpec {
  /** Extra guilds (or replacements of demo guilds with the same id), e.g. 5,000 members for a benchmark. */
  guilds?: WorldGuildSpec[];
  /** The three demo guilds and demo users; on unless false. */
  demo?: boolean;
  /** Item levels scatter around this; defaults to the current week's target of the default season plan. */
  ilvlCenter?: number;
}

export interface SimWorld {
  seed: number;
  ilvlCenter: number;
  guilds: SimGuild[];
  /** Every character by `characterKey(region, realmSlug, name)`. */
  characters: Map<string, SimCharacter>;
  /** bnet_id → characters the user owns. */
  users: Map<number, SimCharacter[]>;
  /** A character Battle.net answers 404 for. */
  unknownCharacter: { region: Region; realmSlug: string; name: string };
  demoUsers: { guildMaster: number; officer: number; member: number; otherGuildMember: number };
}

const FIRST_GENERATED_BNET_ID = 2000;

/** The characters' level cap: the season plan's expansion's (Midnight: 90), from the one table of caps. */
export const LEVEL_CAP: number = (() => {
  const cap = levelCapOf(DEFAULT_SEASON_PLAN.expansion);
  if (cap === null) throw new Error(`no level cap is known for ${DEFAULT_SEASON_PLAN.expansion}`);
  return cap;
})();

export function characterKey(region: string, realmSlug: string, name: string): string {
  return `${region}/${realmSlug.toLowerCase()}/${name.normalize('NFC').toLowerCase()}`;
}

export function findCharacter(world: SimWorld, region: string, realmSlug: string, name: string): SimCharacter | undefined {
  return world.characters.get(characterKey(region, realmSlug, name));
}

/** Battle.net's slug of a guild name, as its roster URL uses it. */
export function guildSlugOf(guild: SimGuild): string {
  return guild.name.normalize('NFC').toLowerCase().replace(/\s+/g, '-');
}

export function findGuild(world: SimWorld, guildId: number): SimGuild | undefined {
  return world.guilds.find((g) => g.id === guildId);
}

/** Builds the whole world from a seed: the same seed and spec always give the same guilds, names and gear. */
export function generateWorld(seed: number, spec: WorldSpec = {}): SimWorld {
  const rng = new Random(seed);
  const now = Date.now();
  const world: SimWorld = {
    seed,
    ilvlCenter: spec.ilvlCenter ?? weekAt(DEFAULT_SEASON_PLAN, new Date(now), 'us').targetIlvl,
    guilds: [],
    characters: new Map(),
    users: new Map(),
    unknownCharacter: { region: 'us', realmSlug: 'bleeding-hollow', name: 'Nobodyhome' },
    demoUsers: { ...DEMO_USERS },
  };
  const builder = new WorldBuilder(world, rng, now);
  const requested = spec.guilds ?? [];
  const demo = spec.demo === false ? [] : DEMO_GUILDS.filter((d) => !requested.some((g) => g.id === d.id));
  for (const guild of demo) builder.addGuild(guild, guild.fixed, guild.killsByDifficulty, guild.connectedRealm);
  for (const guild of requested) builder.addGuild(guild, [], undefined, undefined);
  if (world.guilds[0]) {
    world.unknownCharacter = { region: world.guilds[0].region, realmSlug: world.guilds[0].realm.slug, name: 'Nobodyhome' };
  }
  return world;
}

class WorldBuilder {
  private nextBnetId = FIRST_GENERATED_BNET_ID;

  constructor(
    private readonly world: SimWorld,
    private readonly rng: Random,
    private readonly now: number,
  ) {}

  addGuild(spec: WorldGuildSpec, fixed: readonly FixedCharacter[], kills: Record<number, number> | undefined, connectedRealm: string | undefined): void {
    const rng = this.rng.fork(`guild-${spec.id}`);
    const guild: SimGuild = {
      id: spec.id,
      blizzardId: 100_000_000 + rng.int(0, 9_999_999),
      name: spec.name,
      region: spec.region,
      realm: realmInfo(spec.realm),
      faction: spec.faction ?? rng.pick(['ALLIANCE', 'HORDE'] as const),
      members: [],
      roster: [],
      rosterLastModified: wholeSeconds(this.now - rng.int(3_600_000, 86_400_000)),
      progressMaxRank: null,
      warcraftLogs: {
        id: 600_000 + rng.int(0, 399_999),
        killsByDifficulty: kills ?? randomKills(rng),
        progressRank: 0,
        speedRank: null,
      },
    };
    // Ranks follow progress (the same two draws as ever, so a seed still makes the same world otherwise).
    const killsByDifficulty = guild.warcraftLogs.killsByDifficulty;
    guild.warcraftLogs.progressRank = worldRankFor(killsByDifficulty, rollOf(rng.int(50, 9000)));
    if (killsByDifficulty[5]) guild.warcraftLogs.speedRank = worldRankFor(killsByDifficulty, rollOf(rng.int(50, 9000)));
    this.world.guilds.push(guild);

    for (const f of fixed) this.addCharacter(rng, guild, f.owner, f.rank, { name: f.name, classId: f.classId, specName: f.specName, levelOffset: f.levelOffset });
    let hasGuildMaster = fixed.some((f) => f.rank === 0);
    let officers = fixed.filter((f) => f.rank === 1).length;
    while (guild.members.length < spec.members) {
      const owner = this.nextBnetId++;
      const count = Math.min(spec.members - guild.members.length, rng.chance(0.5) ? 1 : rng.chance(0.7) ? 2 : 3);
      let mainRank = rng.pick([3, 3, 3, 4, 5]);
      if (!hasGuildMaster) {
        mainRank = 0;
        hasGuildMaster = true;
      } else if (officers < 3) {
        mainRank = 1;
        officers += 1;
      }
      const altRank = mainRank <= 1 ? 2 : ALT_RANK;
      for (let i = 0; i < count; i += 1) {
        const realm = connectedRealm && rng.chance(0.1) ? connectedRealm : undefined;
        this.addCharacter(rng, guild, owner, i === 0 ? mainRank : altRank, { realm, isAlt: i > 0 });
      }
    }
  }

  private addCharacter(
    rng: Random,
    guild: SimGuild,
    owner: number,
    rank: number,
    options: { name?: string; classId?: number; specName?: string; levelOffset?: number; realm?: string; isAlt?: boolean },
  ): SimCharacter {
    const character = createCharacter(this.world, rng, {
      now: this.now,
      region: guild.region,
      realmSlug: options.realm ?? guild.realm.slug,
      faction: guild.faction,
      owner,
      ...options,
    });
    character.guild = { id: guild.id, rank };
    guild.roster.push(character);
    guild.members.push({ characterName: character.name, realmSlug: character.realm.slug, bnetId: owner, rankId: rank });
    return character;
  }
}

export interface NewCharacter {
  now: number;
  region: Region;
  realmSlug: string;
  faction: Faction;
  owner: number;
  name?: string;
  classId?: number;
  specName?: string;
  level?: number;
  /** Item-level offset from the world's centre. */
  levelOffset?: number;
  isAlt?: boolean;
}

/**
 * Battle.net's id of a character: stable for the character's first name and realm (a later rename keeps it)
 * and, like the real ids, different for every character, also across simulated worlds that share a database.
 * FNV-1a over the identity, kept to 40 bits above Battle.net's usual range.
 */
export function battleNetIdOf(region: string, realmSlug: string, name: string): number {
  let hash = 0xcbf29ce4;
  let high = 0x84222325;
  for (const char of `${region}/${realmSlug}/${name.normalize('NFC').toLowerCase()}`) {
    hash = Math.imul(hash ^ char.codePointAt(0)!, 0x01000193) >>> 0;
    high = Math.imul(high ^ hash, 0x01000193) >>> 0;
  }
  return 200_000_000 + (high & 0xff) * 2 ** 32 + hash;
}

/** Creates a character, registers it in the world (by name and owner) and returns it; not yet in any guild. */
export function createCharacter(world: SimWorld, rng: Random, spec: NewCharacter): SimCharacter {
  const cls = spec.classId ? classById(spec.classId) : rng.pick(CLASSES);
  const specInfo = cls.specs.find((s) => s.name === spec.specName) ?? rng.pick(cls.specs);
  const realm = realmInfo(spec.realmSlug);
  const name = spec.name ?? uniqueName(rng, (candidate) => world.characters.has(characterKey(spec.region, realm.slug, candidate)));
  // Mains are at the cap; now and then an alt is still being levelled, up to ten levels short of it.
  const level = spec.level ?? (spec.isAlt && rng.chance(0.3) ? rng.int(LEVEL_CAP - 10, LEVEL_CAP - 1) : LEVEL_CAP);
  const isLevelling = level < LEVEL_CAP;
  const baseLevel = isLevelling
    ? 150 + (level - (LEVEL_CAP - 10)) * 5 + rng.normal(0, 4)
    : clamp(world.ilvlCenter + (spec.levelOffset ?? rng.normal(-1, 9)), 232, 296);
  const race = cls.id === 13 ? DRACTHYR[spec.faction] : rng.pick(racesOf(spec.faction));
  const character: SimCharacter = {
    id: battleNetIdOf(spec.region, realm.slug, name),
    name,
    region: spec.region,
    realm,
    level,
    classId: cls.id,
    className: cls.name,
    specId: specInfo.id,
    specName: specInfo.name,
    race,
    gender: rng.chance(0.5) ? 'FEMALE' : 'MALE',
    faction: spec.faction,
    guild: null,
    ownerBnetId: spec.owner,
    items: generateGear(rng, cls, specInfo, { baseLevel, diligence: 0.55 + 0.45 * rng.next(), isLevelling }),
    lastModified: wholeSeconds(spec.now - rng.int(3_600_000, 3 * 86_400_000)),
    lastLogin: spec.now - rng.int(600_000, 5 * 86_400_000),
    achievementPoints: rng.int(4_000, 38_000),
  };
  world.characters.set(characterKey(spec.region, realm.slug, name), character);
  const owned = world.users.get(spec.owner) ?? [];
  owned.push(character);
  world.users.set(spec.owner, owned);
  return character;
}

function randomKills(rng: Random): Record<number, number> {
  const kills: Record<number, number> = { 3: rng.int(4, 9), 4: rng.int(0, 9) };
  if (rng.chance(0.3)) kills[5] = rng.int(1, 6);
  return kills;
}

export function wholeSeconds(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}

/** A draw between 50 and 9000 as a place between 0 and 1. */
const rollOf = (draw: number): number => (draw - 50) / 8950;

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
