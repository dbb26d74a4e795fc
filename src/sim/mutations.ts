import type { Clock } from '../clock.js';
import type { Region } from '../config.js';
import type { SimActivity } from './activity.js';
import { upgradeItem, type SimItem } from './gear.js';
import type { Random } from './random.js';
import { realmInfo } from './catalog.js';
import { characterKey, createCharacter, findCharacter, findGuild, wholeSeconds, type SimCharacter, type SimGuild, type SimWorld } from './world.js';

/**
 * Changes to the world while the simulator runs. Membership changes reach guild-api at once; Battle.net's roster
 * only follows when asked (`alsoBattleNet`), since in the game it catches up later.
 */

export interface MembershipOptions {
  /** Also change Battle.net's roster (and the character's guild on its profile). */
  alsoBattleNet?: boolean;
}

export interface NewMember {
  characterName: string;
  bnetId: number;
  rankId: number;
  /** Defaults to the guild's realm. */
  realmSlug?: string;
  classId?: number;
  level?: number;
}

/** Upgrades one to three of the character's weakest items and moves its Last-Modified forward. */
export function changeGear(world: SimWorld, rng: Random, region: string, realmSlug: string, name: string): SimCharacter {
  const character = findCharacter(world, region, realmSlug, name);
  if (!character) throw new Error(`no character ${name}-${realmSlug} (${region})`);
  const gear = character.items.filter((item) => item.slot !== 'SHIRT' && item.slot !== 'TABARD');
  const weakestFirst = () => [...gear].sort((a, b) => a.itemLevel - b.itemLevel);
  // A maxed item moving up a track can gain a single level, which the average (over 16 slots, to 0.1) may not
  // show: the weakest keep being upgraded until the slots gained 2 levels in all, so every change is visible.
  let gained = 0;
  const upgrade = (item: SimItem) => {
    const before = item.itemLevel;
    upgradeItem(item);
    gained += item.itemLevel - before;
  };
  for (const item of weakestFirst().slice(0, rng.int(1, 3))) upgrade(item);
  for (let round = 0; gained < 2 && round < 10; round += 1) {
    const weakest = weakestFirst()[0];
    if (!weakest) break;
    upgrade(weakest);
  }
  touch(character);
  return character;
}

export function removeMember(world: SimWorld, guildId: number, characterName: string, options: MembershipOptions = {}): boolean {
  const guild = requireGuild(world, guildId);
  const index = guild.members.findIndex((m) => sameName(m.characterName, characterName));
  if (index < 0) return false;
  const [member] = guild.members.splice(index, 1);
  if (options.alsoBattleNet && member) {
    const character = findCharacter(world, guild.region, member.realmSlug, member.characterName);
    guild.roster = guild.roster.filter((c) => c !== character);
    if (character) {
      character.guild = null;
      touch(character);
    }
    guild.rosterLastModified = nextModified(guild.rosterLastModified);
  }
  return true;
}

export function addMember(world: SimWorld, rng: Random, guildId: number, member: NewMember, options: MembershipOptions = {}): SimCharacter {
  const guild = requireGuild(world, guildId);
  const realmSlug = member.realmSlug ?? guild.realm.slug;
  const character =
    findCharacter(world, guild.region, realmSlug, member.characterName) ??
    createCharacter(world, rng, {
      now: Date.now(),
      region: guild.region as Region,
      realmSlug,
      faction: guild.faction,
      owner: member.bnetId,
      name: member.characterName,
      classId: member.classId,
      level: member.level,
    });
  guild.members = guild.members.filter((m) => !sameName(m.characterName, character.name));
  guild.members.push({ characterName: character.name, realmSlug: character.realm.slug, bnetId: member.bnetId, rankId: member.rankId });
  if (options.alsoBattleNet) {
    if (!guild.roster.includes(character)) guild.roster.push(character);
    character.guild = { id: guild.id, rank: member.rankId };
    touch(character);
    guild.rosterLastModified = nextModified(guild.rosterLastModified);
  }
  return character;
}

export function setRank(world: SimWorld, guildId: number, characterName: string, rankId: number, options: MembershipOptions = {}): void {
  const guild = requireGuild(world, guildId);
  const member = guild.members.find((m) => sameName(m.characterName, characterName));
  if (!member) throw new Error(`${characterName} is not a member of guild ${guildId}`);
  member.rankId = rankId;
  if (options.alsoBattleNet) {
    const character = guild.roster.find((c) => sameName(c.name, characterName));
    if (character?.guild) character.guild.rank = rankId;
    guild.rosterLastModified = nextModified(guild.rosterLastModified);
  }
}

/** Limits the progress tool to ranks up to `maxRankId` (guild-api's per-tool setting); null opens it to all. */
export function setProgressAccess(world: SimWorld, guildId: number, maxRankId: number | null): void {
  requireGuild(world, guildId).progressMaxRank = maxRankId;
}

function requireGuild(world: SimWorld, guildId: number): SimGuild {
  const guild = findGuild(world, guildId);
  if (!guild) throw new Error(`no guild ${guildId}`);
  return guild;
}

function sameName(a: string, b: string): boolean {
  return a.normalize('NFC').toLowerCase() === b.normalize('NFC').toLowerCase();
}

/** HTTP dates have one-second resolution: a change must move Last-Modified by at least a second to be seen. */
function nextModified(previous: number): number {
  return Math.max(wholeSeconds(Date.now()), previous + 1000);
}

function touch(character: SimCharacter): void {
  character.lastModified = nextModified(character.lastModified);
}

/** The character logs in now (the simulator's clock): its profile's last_login_timestamp and Last-Modified move. */
export function logIn(world: SimWorld, clock: Clock, region: string, realmSlug: string, name: string): SimCharacter {
  const character = requireCharacter(world, region, realmSlug, name);
  const now = clock.now().getTime();
  character.lastLogin = now;
  character.lastModified = Math.max(wholeSeconds(now), character.lastModified + 1000);
  return character;
}

/** Replaces the character's weekly routine (kills and runs at offsets after each reset). */
export function setActivity(world: SimWorld, clock: Clock, region: string, realmSlug: string, name: string, activity: SimActivity): SimCharacter {
  const character = requireCharacter(world, region, realmSlug, name);
  character.activity = structuredClone(activity);
  character.lastModified = Math.max(wholeSeconds(clock.now().getTime()), character.lastModified + 1000);
  return character;
}

function requireCharacter(world: SimWorld, region: string, realmSlug: string, name: string): SimCharacter {
  const character = findCharacter(world, region, realmSlug, name);
  if (!character) throw new Error(`no character ${name}-${realmSlug} (${region})`);
  return character;
}

/**
 * A paid name change or realm transfer: the same character (same Battle.net id, gear and owner) under a new
 * name and/or realm. Battle.net answers only to the new name from now on; guild-api's list and the guild
 * roster follow at once.
 */
export function renameCharacter(world: SimWorld, region: string, realmSlug: string, name: string, newName: string, newRealmSlug = realmSlug): SimCharacter {
  const character = findCharacter(world, region, realmSlug, name);
  if (!character) throw new Error(`no character ${name}-${realmSlug} (${region})`);
  if (findCharacter(world, region, newRealmSlug, newName)) throw new Error(`${newName}-${newRealmSlug} (${region}) already exists`);
  const oldRealm = character.realm.slug;
  const oldName = character.name;
  world.characters.delete(characterKey(region, oldRealm, oldName));
  character.name = newName;
  if (newRealmSlug !== oldRealm) character.realm = realmInfo(newRealmSlug);
  world.characters.set(characterKey(region, character.realm.slug, character.name), character);
  for (const guild of world.guilds) {
    for (const m of guild.members) {
      if (m.realmSlug === oldRealm && sameName(m.characterName, oldName)) {
        m.characterName = newName;
        m.realmSlug = character.realm.slug;
      }
    }
    if (guild.roster.includes(character)) guild.rosterLastModified = nextModified(guild.rosterLastModified);
  }
  touch(character);
  return character;
}
