import type { EntityManager } from '@mikro-orm/postgresql';
import { addDays } from '../domain/dates.js';
import { GAIN_WEEKS, weeklyGain, type WeeklyGain } from '../domain/forecast.js';
import {
  markProgressNotFound, progressWriteStatement, recordProgressError, saveFetchedProgress, saveWeeklyGain, type FetchedProgress,
} from './tables/character-progress.js';
import {
  deleteCharacter, ensureCharacter, findByBlizzardId, findCharacterId, identityStatement, moveCharacter, upsertCharacterIdentity,
  type CharacterIdentity, type CharacterKey,
} from './tables/characters.js';
import { forgetRename, recordRename } from './tables/character-renames.js';
import {
  copyProgressToMemberships, currentGuildIds, membershipCopyStatement, mergeMemberships, renameInMemberships, type AuditCounts,
  type MemberProgressCopy,
} from './tables/guild-memberships.js';
import {
  historyPointStatement, itemLevelHistory, moveHistory, recordItemLevel, type ItemLevelPoint,
} from './tables/item-level-history.js';
import { activityStateOf, activityStateSelect, loginStatement, noteLogin, type ActivityStateJson } from './tables/character-activity.js';
import type { ActivityFetchState } from '../domain/activity.js';
import { inTransaction, queryBound, type Db } from './sql.js';

/** The outcome of one character refresh, written across the character's tables. */
export interface CharacterProjection extends FetchedProgress {
  key: CharacterKey;
  identity: CharacterIdentity;
  /** The UTC day of today's item-level history point. */
  day: string;
  /**
   * The character's stored item-level points, read before the fetch from `gainWindowStart` of the day then on
   * (`findStoredCharacter`); empty for a character not stored yet.
   */
  history: ItemLevelPoint[];
  /** The profile's last log-in as this fetch saw it (null: not said, or the profile answered 304). */
  lastLoginAt: Date | null;
}

/** The first day of history the weekly gain up to `day` reads: two weeks more than its window, for bridging. */
export const gainWindowStart = (day: string): string => addDays(day, -7 * (GAIN_WEEKS + 2));

/**
 * The weekly gain up to `day`, from the history just written. Two weeks more than the gain's window are read,
 * so a week whose first day has no point can still be bridged from an earlier one.
 */
async function measureWeeklyGain(db: Db, characterId: number, day: string): Promise<WeeklyGain> {
  const points = await itemLevelHistory(db, characterId, gainWindowStart(day), day);
  return weeklyGain(points, day);
}

/** The weekly gain the history will give once today's point is written: the stored points with today's replaced. */
function gainWithToday(p: CharacterProjection): WeeklyGain {
  const from = gainWindowStart(p.day);
  const points = p.history.filter((h) => h.date >= from && (p.itemLevel === null ? h.date <= p.day : h.date < p.day));
  if (p.itemLevel !== null) points.push({ date: p.day, itemLevel: p.itemLevel });
  return weeklyGain(points, p.day);
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

function membershipCopy(p: CharacterProjection, gain: WeeklyGain): MemberProgressCopy {
  return { identity: p.identity, itemLevel: p.itemLevel, fetchedAt: p.fetchedAt, weeklyGain: gain.weeklyGain, audit: auditCounts(p) };
}

/**
 * Writes a refreshed character: identity, progress with the weekly gain, today's history point and the
 * overview copy in every current membership. Returns the guilds whose cached responses are now stale.
 *
 * One statement, so one round trip and no transaction: its CTEs run on one snapshot and commit together, and
 * the gain is measured beforehand from the history read with the stored character plus today's point. A
 * rename (the profile's Battle.net id stored under another name of the region), or a row another writer
 * inserted after the statement's snapshot was taken, writes nothing there and takes the transactional path.
 */
export async function saveCharacterProjection(em: EntityManager, p: CharacterProjection): Promise<SavedProjection> {
  const saved = await writeProjection(em, p, gainWithToday(p));
  return saved ?? saveProjectionInTransaction(em, p);
}

/** The single statement; undefined when it wrote nothing (see saveCharacterProjection). */
async function writeProjection(db: Db, p: CharacterProjection, gain: WeeklyGain): Promise<SavedProjection | undefined> {
  const identity = identityStatement(p.key, p.identity);
  const progress = progressWriteStatement(p, gain);
  const history = p.itemLevel === null ? undefined : historyPointStatement(p.day, p.itemLevel);
  const members = membershipCopyStatement(membershipCopy(p, gain), 'cid.id', ', cid');
  const login = loginStatement(p.lastLoginAt);
  // The select list reads the parts in the order the transactional path writes them (character, progress,
  // history, memberships, log-in), so row locks are taken in that order.
  const [row] = await queryBound<{ character_id: string | null; guild_ids: Array<number | string>; activity: ActivityStateJson }>(
    db,
    `with ${identity.sql},
     prog as (${progress.sql}),
     ${history ? `hist as (${history.sql}),` : ''}
     mem as (${members.sql}),
     ${login.sql}
     select (select id from cid) as character_id,
            (select count(*) from prog) as progress_rows,
            ${history ? '(select count(*) from hist)' : '0'} as history_rows,
            coalesce((select json_agg(guild_id order by guild_id) from mem), '[]'::json) as guild_ids,
            ${activityStateSelect} as activity`,
    [...identity.params, ...progress.params, ...(history?.params ?? []), ...members.params, ...login.params],
  );
  if (!row || row.character_id === null) return undefined;
  return { guildIds: row.guild_ids.map(Number), activity: activityStateOf(row.activity) };
}

/** The same writes as several statements in one transaction, for a rename, which moves rows between characters. */
async function saveProjectionInTransaction(em: EntityManager, p: CharacterProjection): Promise<SavedProjection> {
  return inTransaction(em, async (tx) => {
    const formerKey = p.identity.blizzardId === null ? undefined : await adoptFormerIdentity(tx, p.key, p.identity.name, p.identity.blizzardId);
    const characterId = await upsertCharacterIdentity(tx, p.key, p.identity);
    await saveFetchedProgress(tx, characterId, p);
    if (p.itemLevel !== null) await recordItemLevel(tx, characterId, p.day, p.itemLevel);
    const gain = await measureWeeklyGain(tx, characterId, p.day);
    await saveWeeklyGain(tx, characterId, gain);
    const guildIds = await copyProgressToMemberships(tx, characterId, membershipCopy(p, gain));
    const activity = await noteLogin(tx, characterId, p.lastLoginAt);
    return { guildIds, formerKey, activity };
  });
}

export interface SavedProjection {
  /** The guilds whose cached responses are now stale. */
  guildIds: number[];
  /** The name the character was stored under before this fetch found it renamed or moved. */
  formerKey?: CharacterKey;
  /** What decides whether the character's activity is due, with this fetch's log-in noted. */
  activity: ActivityFetchState;
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
  return inTransaction(em, async (tx) => {
    const characterId = await ensureCharacter(tx, key, displayName);
    await markProgressNotFound(tx, characterId, at);
    return currentGuildIds(tx, characterId);
  });
}

export async function recordCharacterError(em: EntityManager, key: CharacterKey, displayName: string, reason: string, at: Date): Promise<void> {
  await inTransaction(em, async (tx) => {
    const characterId = await ensureCharacter(tx, key, displayName);
    await recordProgressError(tx, characterId, reason, at);
  });
}
