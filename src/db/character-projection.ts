import type { EntityManager } from '@mikro-orm/postgresql';
import { addDays } from '../domain/dates.js';
import { GAIN_WEEKS, weeklyGain, type WeeklyGain } from '../domain/forecast.js';
import {
  markProgressNotFound, recordProgressError, saveFetchedProgress, saveWeeklyGain, type FetchedProgress,
} from './tables/character-progress.js';
import { ensureCharacter, upsertCharacterIdentity, type CharacterIdentity, type CharacterKey } from './tables/characters.js';
import { copyProgressToMemberships, currentGuildIds, type AuditCounts } from './tables/guild-memberships.js';
import { itemLevelHistory, recordItemLevel } from './tables/item-level-history.js';
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
export async function saveCharacterProjection(em: EntityManager, p: CharacterProjection): Promise<number[]> {
  return em.transactional(async (tx) => {
    const characterId = await upsertCharacterIdentity(tx, p.key, p.identity);
    await saveFetchedProgress(tx, characterId, p);
    if (p.itemLevel !== null) await recordItemLevel(tx, characterId, p.day, p.itemLevel);
    const gain = await measureWeeklyGain(tx, characterId, p.day);
    await saveWeeklyGain(tx, characterId, gain);
    return copyProgressToMemberships(tx, characterId, {
      identity: p.identity, itemLevel: p.itemLevel, fetchedAt: p.fetchedAt, weeklyGain: gain.weeklyGain, audit: auditCounts(p),
    });
  });
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
