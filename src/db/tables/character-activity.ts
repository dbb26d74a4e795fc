import type { ActivityFetchState, MythicPlusActivity, RaidActivity, WeeklyActivitySummary } from '../../domain/activity.js';
import { query, queryBound, toId, toIso, type Db } from '../sql.js';
import { col, defineTable, type Row } from '../table.js';
import type { CharacterKey } from './characters.js';

/**
 * A character's Mythic+ and raid activity as last fetched, written only by the worker. The raw lists stay, so
 * the character view derives this week's kills, runs and vault at read time; the weekly values the overview
 * sorts on are stored with the reset period (`week_start`) they were computed for.
 */
export const characterActivityTable = defineTable('character_activity', {
  character_id: col.bigint(),
  /** The profile's last log-in, as the latest character refresh saw it. */
  last_login_at: col.timestamptz().nullable(),
  /** last_login_at when activity was last fetched: activity is worth a request only after a newer log-in. */
  fetched_login_at: col.timestamptz().nullable(),
  fetched_at: col.timestamptz().nullable(),
  mythic_plus: col.jsonb<MythicPlusActivity>().nullable(),
  raids: col.jsonb<RaidActivity>().nullable(),
  mythic_plus_last_modified: col.text().nullable(),
  raids_last_modified: col.text().nullable(),
  mplus_score: col.double().nullable(),
  week_start: col.timestamptz().nullable(),
  vault_slots: col.integer().nullable(),
  raid_bosses: col.integer().nullable(),
  last_error: col.text().nullable(),
  last_error_at: col.timestamptz().nullable(),
  updated_at: col.timestamptz().defaulted(),
});

type ActivityRow = Row<typeof characterActivityTable>;

/** What decides whether activity is due, and what a fetch starts from. */
export interface StoredActivity {
  characterId: number;
  lastLoginAt: Date | null;
  fetchedLoginAt: Date | null;
  fetchedAt: Date | null;
  mythicPlus: MythicPlusActivity | null;
  raids: RaidActivity | null;
  mythicPlusLastModified: string | null;
  raidsLastModified: string | null;
}

const date = (v: Date | string | null) => (v === null ? null : new Date(v));

function toStored(r: ActivityRow): StoredActivity {
  return {
    characterId: toId(r.character_id),
    lastLoginAt: date(r.last_login_at),
    fetchedLoginAt: date(r.fetched_login_at),
    fetchedAt: date(r.fetched_at),
    mythicPlus: r.mythic_plus,
    raids: r.raids,
    mythicPlusLastModified: r.mythic_plus_last_modified,
    raidsLastModified: r.raids_last_modified,
  };
}

/**
 * Records the profile's last log-in (a later one only; null leaves it), as a CTE named `login` over the `cid`
 * of the statement it joins: the character refresh's write carries it, so noting a log-in costs no round trip
 * of its own. `activityStateSelect` then reads what decides whether activity is due: the row as the upsert
 * left it, else as it was.
 */
export function loginStatement(lastLoginAt: Date | null): { sql: string; params: unknown[] } {
  return {
    sql: `login as (
       insert into character_activity as a (character_id, last_login_at)
       select cid.id, ?::timestamptz from cid where cid.id is not null and ?::timestamptz is not null
       on conflict (character_id) do update set last_login_at = excluded.last_login_at, updated_at = now()
        where a.last_login_at is null or excluded.last_login_at > a.last_login_at
       returning a.last_login_at, a.fetched_login_at, a.fetched_at
     )`,
    params: [lastLoginAt, lastLoginAt],
  };
}

/** The select-list item that reads the state `loginStatement` leaves, as JSON (null: no activity row at all). */
export const activityStateSelect = `coalesce(
       (select json_build_object('last_login_at', last_login_at, 'fetched_login_at', fetched_login_at, 'fetched_at', fetched_at) from login),
       (select json_build_object('last_login_at', last_login_at, 'fetched_login_at', fetched_login_at, 'fetched_at', fetched_at)
          from character_activity where character_id = (select id from cid))
     )`;

export type ActivityStateJson = { last_login_at: string | null; fetched_login_at: string | null; fetched_at: string | null } | null;

/** The state `activityStateSelect` read; a character with no activity row has never had it fetched. */
export function activityStateOf(json: ActivityStateJson): ActivityFetchState {
  return { lastLoginAt: date(json?.last_login_at ?? null), fetchedLoginAt: date(json?.fetched_login_at ?? null), fetchedAt: date(json?.fetched_at ?? null) };
}

/** `loginStatement` on its own, for a write that is not the one statement (a rename's transaction). */
export async function noteLogin(db: Db, characterId: number, lastLoginAt: Date | null): Promise<ActivityFetchState> {
  const login = loginStatement(lastLoginAt);
  const [row] = await queryBound<{ state: ActivityStateJson }>(
    db,
    `with cid as (select ?::bigint as id), ${login.sql} select ${activityStateSelect} as state`,
    [characterId, ...login.params],
  );
  return activityStateOf(row?.state ?? null);
}

export async function findStoredActivity(db: Db, key: CharacterKey): Promise<StoredActivity | undefined> {
  const [row] = await query<ActivityRow & { id: string }>(
    db,
    `select c.id, a.*
       from characters c left join character_activity a on a.character_id = c.id
      where c.region = ? and c.realm_slug = ? and c.name_key = ?`,
    [key.region, key.realm, key.nameKey],
  );
  if (!row) return undefined;
  return toStored({ ...row, character_id: row.id });
}

/** One activity fetch: each list new, or null when Battle.net said it has not changed (the stored one stays). */
export interface FetchedActivity {
  mythicPlus: { data: MythicPlusActivity; lastModified: string | null } | null;
  raids: { data: RaidActivity; lastModified: string | null } | null;
  /** Weekly values of the lists now stored, for the period they were computed in. */
  summary: WeeklyActivitySummary;
  score: number | null;
  /** The log-in this fetch follows. */
  loginAt: Date | null;
  fetchedAt: Date;
}

export async function saveActivity(db: Db, characterId: number, f: FetchedActivity): Promise<void> {
  await query(
    db,
    `insert into character_activity as a (character_id, fetched_login_at, fetched_at, mythic_plus, mythic_plus_last_modified,
       raids, raids_last_modified, mplus_score, week_start, vault_slots, raid_bosses)
     values (?, ?, ?, ?::jsonb, ?, ?::jsonb, ?, ?, ?, ?, ?)
     on conflict (character_id) do update set
       fetched_login_at = excluded.fetched_login_at, fetched_at = excluded.fetched_at,
       mythic_plus = coalesce(excluded.mythic_plus, a.mythic_plus),
       mythic_plus_last_modified = case when excluded.mythic_plus is null then a.mythic_plus_last_modified else excluded.mythic_plus_last_modified end,
       raids = coalesce(excluded.raids, a.raids),
       raids_last_modified = case when excluded.raids is null then a.raids_last_modified else excluded.raids_last_modified end,
       mplus_score = excluded.mplus_score, week_start = excluded.week_start, vault_slots = excluded.vault_slots,
       raid_bosses = excluded.raid_bosses, last_error = null, last_error_at = null, updated_at = now()`,
    [
      characterId, f.loginAt, f.fetchedAt,
      f.mythicPlus ? JSON.stringify(f.mythicPlus.data) : null, f.mythicPlus?.lastModified ?? null,
      f.raids ? JSON.stringify(f.raids.data) : null, f.raids?.lastModified ?? null,
      f.score, f.summary.periodStart, f.summary.vaultSlots, f.summary.raidBosses,
    ],
  );
}

/** A fetch failed: the last activity stays and is served as stale. */
export async function recordActivityError(db: Db, characterId: number, reason: string, at: Date): Promise<void> {
  await query(
    db,
    `insert into character_activity as a (character_id, last_error, last_error_at) values (?, ?, ?)
     on conflict (character_id) do update set last_error = excluded.last_error, last_error_at = excluded.last_error_at`,
    [characterId, reason.slice(0, 1000), at],
  );
}

/** The activity the character view presents; none before the first successful fetch. */
export interface ActivityRecord {
  mythicPlus: MythicPlusActivity | null;
  raids: RaidActivity | null;
  fetchedAt: string | null;
  lastErrorAt: string | null;
}

export async function findActivity(db: Db, characterId: number): Promise<ActivityRecord | undefined> {
  const [row] = await query<Pick<ActivityRow, 'mythic_plus' | 'raids' | 'fetched_at' | 'last_error_at'>>(
    db,
    // A row exists from the first log-in noted; there is activity to show only once a fetch succeeded.
    'select mythic_plus, raids, fetched_at, last_error_at from character_activity where character_id = ? and fetched_at is not null',
    [characterId],
  );
  if (!row) return undefined;
  return { mythicPlus: row.mythic_plus, raids: row.raids, fetchedAt: toIso(row.fetched_at), lastErrorAt: toIso(row.last_error_at) };
}
