import type { EntityManager } from '@mikro-orm/postgresql';
import { addDays } from '../domain/dates.js';
import { GAIN_WEEKS, weeklyGain, type WeeklyGain } from '../domain/forecast.js';
import {
  markProgressNotFound, recordProgressError, saveFetchedProgress, saveWeeklyGain, type FetchedProgress,
} from './tables/character-progress.js';
import {
  deleteCharacter, ensureCharacter, findByBlizzardId, findCharacterId, moveCharacter, upsertCharacterIdentity, type CharacterIdentity,
  type CharacterKey,
} from './tables/characters.js';
import { forgetRename, recordRename } from './tables/character-renames.js';
import {
  copyProgressToMemberships, currentGuildIds, mergeMemberships, renameInMemberships, type AuditCounts,
} from './tables/guild-memberships.js';
import { itemLevelHistory, moveHistory, recordItemLevel } from './tables/item-level-history.js';
import type { Db } from './sql.js';

/** The outcome of one character refresh, written across the character's tables in one transaction. */
export interface CharacterProjection extends FetchedProgress {
  key: CharacterKey;
  identity: CharacterIdentity;
  /** The UTC day of today's item-level history point. */
  day: string;
}

/**
 * The weekly gain up to `day`, from the history just written. Two weeks more than the gain's window are read,
 * so a week whose first day has no point can still be bridged from an earlier one.
 */
async function measureWeeklyGain(db: Db, characterId: number, day: string): Promise<WeeklyGain> {
  const points = await itemLevelHistory(db, characterId, addDays(day, -7 * (GAIN_WEEKS + 2)), day);
  return weeklyGain(points, day);
}

/** The audit's counts the overview shows, from the new gear's audit (as the worker stores it). */
function auditCounts(p: CharacterProjection): AuditCounts | null {
  const audit = p.gear?.audit;
  if (!audit) return null;
  const missing = audit.missing_enchants;
  return {
    missingEnchants: Array.isArray(missing) ? missing.length : 0,
    emptySockets: Number(audit.empty_sockets ?? 0),
    tierPieces: Number(audit.tier_pieces ?? 0),
  };
}

/**
 * Writes a refreshed character in one transaction: identity, progress, today's history point, the weekly gain
 * measured from that history, and the overview copy in every current membership. Returns the guilds whose
 * cached responses are now stale.
 */
export async function saveCharacterProjection(em: EntityManager, p: CharacterProjection): Promise<SavedProjection> {
  return em.transactional(async (tx) => {
    const formerKey = p.identity.blizzardId === null ? undefined : await adoptFormerIdentity(tx, p.key, p.identity.name, p.identity.blizzardId);
    const characterId = await upsertCharacterIdentity(tx, p.key, p.identity);
    await saveFetchedProgress(tx, characterId, p);
    if (p.itemLevel !== null) await recordItemLevel(tx, characterId, p.day, p.itemLevel);
    const gain = await measureWeeklyGain(tx, characterId, p.day);
    await saveWeeklyGain(tx, characterId, gain);
    const guildIds = await copyProgressToMemberships(tx, characterId, {
      identity: p.identity, itemLevel: p.itemLevel, fetchedAt: p.fetchedAt, weeklyGain: gain.weeklyGain, audit: auditCounts(p),
    });
    return { guildIds, formerKey };
  });
}

export interface SavedProjection {
  /** The guilds whose cached responses are now stale. */
  guildIds: number[];
  /** The name the character was stored under before this fetch found it renamed or moved. */
  formerKey?: CharacterKey;
}

/**
 * One identity per Battle.net character. When the profile's id belongs to a character stored under another
 * name or realm of the region, this is that character renamed or transferred: it takes the new name, keeping
 * its id and so its history and memberships, and the former name is remembered so that it can say where the
 * character went. A row the roster already made for the new name (a sync, a webhook) is folded into it.
 */
async function adoptFormerIdentity(tx: Db, key: CharacterKey, name: string, blizzardId: number): Promise<CharacterKey | undefined> {
  const former = await findByBlizzardId(tx, key.region, blizzardId, key);
  if (!former) return undefined;
  const placeholder = await findCharacterId(tx, key);
  if (placeholder !== undefined && placeholder !== former.id) {
    await mergeMemberships(tx, placeholder, former.id);
    await moveHistory(tx, placeholder, former.id);
    await deleteCharacter(tx, placeholder);
  }
  const formerKey: CharacterKey = { region: former.region, realm: former.realm, nameKey: former.nameKey };
  await recordRename(tx, formerKey, former.id);
  await forgetRename(tx, key);
  await moveCharacter(tx, former.id, key, name);
  await renameInMemberships(tx, former.id, name, key.realm);
  return formerKey;
}

/**
 * Failures are recorded on a character row even for an unknown character, so that a reader waiting on its
 * first fetch can tell "Battle.net does not know it" and "Battle.net is down" from "not fetched yet".
 * Returns the guilds the character belongs to.
 */
export async function markCharacterNotFound(em: EntityManager, key: CharacterKey, displayName: string, at: Date): Promise<number[]> {
  return em.transactional(async (tx) => {
    const characterId = await ensureCharacter(tx, key, displayName);
    await markProgressNotFound(tx, characterId, at);
    return currentGuildIds(tx, characterId);
  });
}

export async function recordCharacterError(em: EntityManager, key: CharacterKey, displayName: string, reason: string, at: Date): Promise<void> {
  await em.transactional(async (tx) => {
    const characterId = await ensureCharacter(tx, key, displayName);
    await recordProgressError(tx, characterId, reason, at);
  });
}
