import type { EntityManager } from '@mikro-orm/postgresql';
import {
  markProgressNotFound, recordProgressError, saveFetchedProgress, type FetchedProgress,
} from './tables/character-progress.js';
import { ensureCharacter, upsertCharacterIdentity, type CharacterIdentity, type CharacterKey } from './tables/characters.js';
import { copyProgressToMemberships, currentGuildIds } from './tables/guild-memberships.js';
import { recordItemLevel } from './tables/item-level-history.js';

/** The outcome of one character refresh, written across the character's tables in one transaction. */
export interface CharacterProjection extends FetchedProgress {
  key: CharacterKey;
  identity: CharacterIdentity;
  /** The UTC day of today's item-level history point. */
  day: string;
}

/**
 * Writes a refreshed character in one transaction: identity, progress, today's history point and the
 * overview copy in every current membership. Returns the guilds whose cached responses are now stale.
 */
export async function saveCharacterProjection(em: EntityManager, p: CharacterProjection): Promise<number[]> {
  return em.transactional(async (tx) => {
    const characterId = await upsertCharacterIdentity(tx, p.key, p.identity);
    await saveFetchedProgress(tx, characterId, p);
    if (p.itemLevel !== null) await recordItemLevel(tx, characterId, p.day, p.itemLevel);
    return copyProgressToMemberships(tx, characterId, { identity: p.identity, itemLevel: p.itemLevel, fetchedAt: p.fetchedAt });
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
