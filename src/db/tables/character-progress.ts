import type { GainConfidence, WeeklyGain } from '../../domain/forecast.js';
import { assignStampingChanges, query, queryBound, toId, type Db } from '../sql.js';
import { col, defineTable, type Row } from '../table.js';
import type { CharacterIdentity, CharacterKey } from './characters.js';
import type { ItemLevelPoint } from './item-level-history.js';

export type FetchStatus = 'pending' | 'ok' | 'not_found' | 'error';

/** The full projection of one character: what the character view serves. Written only by the worker. */
export const characterProgressTable = defineTable('character_progress', {
  character_id: col.bigint(),
  fetch_status: col.text<FetchStatus>().defaulted(),
  item_level: col.double().nullable(),
  equipped_items: col.jsonb<unknown[]>().defaulted(),
  gear_priorities: col.jsonb<unknown[]>().defaulted(),
  audit: col.jsonb<Record<string, unknown>>().nullable(),
  fetched_at: col.timestamptz().nullable(),
  last_modified: col.text().nullable(),
  profile_last_modified: col.text().nullable(),
  last_error: col.text().nullable(),
  last_error_at: col.timestamptz().nullable(),
  not_found_at: col.timestamptz().nullable(),
  updated_at: col.timestamptz().defaulted(),
  /** Item levels gained per week lately, measured from item_level_history at each refresh. */
  weekly_gain: col.double().nullable(),
  gain_confidence: col.text<GainConfidence>().nullable(),
});

type ProgressRow = Row<typeof characterProgressTable>;

/** What a refresh needs to know of the stored character before it calls Battle.net. */
export interface StoredCharacter extends CharacterIdentity {
  id: number;
  fetchStatus: FetchStatus | null;
  fetchedAt: Date | null;
  itemLevel: number | null;
  /** Last-Modified of the equipment and of the profile, for If-Modified-Since. */
  lastModified: string | null;
  profileLastModified: string | null;
  /** Item-level points from the day the read asked for on, oldest first. */
  history: ItemLevelPoint[];
}

/** A freshly fetched equipment and everything computed from it. */
export interface GearSnapshot {
  itemLevel: number;
  equippedItems: unknown[];
  gearPriorities: unknown[];
  audit: Record<string, unknown>;
  lastModified: string | null;
}

/**
 * One successful fetch: the profile's validator and the new gear (null when Battle.net said it has not
 * changed). Gap and status are not stored: they depend on the week's target and are derived when read.
 */
export interface FetchedProgress {
  profileLastModified: string | null;
  gear: GearSnapshot | null;
  /** The new gear's item level, else the stored one. */
  itemLevel: number | null;
  fetchedAt: Date;
}

/**
 * The stored character and its item-level points from `historySince` on (oldest first), in one round trip:
 * the refresh measures the weekly gain from these and the point it is about to write, so its write needs no
 * read of its own.
 */
export async function findStoredCharacter(db: Db, key: CharacterKey, historySince: string): Promise<StoredCharacter | undefined> {
  const [row] = await queryBound<{
    id: string; name: string; blizzard_id: string | null; class_name: string | null; spec_name: string | null; role: string | null;
    level: number | null; fetch_status: FetchStatus | null; fetched_at: Date | null; item_level: number | null; last_modified: string | null;
    profile_last_modified: string | null; history: Array<{ date: string; itemLevel: number }>;
  }>(
    db,
    `select c.id, c.name, c.blizzard_id, c.class_name, c.spec_name, c.role, c.level,
            p.fetch_status, p.fetched_at, p.item_level, p.last_modified, p.profile_last_modified,
            (select coalesce(json_agg(json_build_object('date', to_char(h.day, 'YYYY-MM-DD'), 'itemLevel', h.item_level) order by h.day), '[]'::json)
               from item_level_history h where h.character_id = c.id and h.day >= ?::date) as history
     from characters c left join character_progress p on p.character_id = c.id
     where c.region = ?::text and c.realm_slug = ?::text and c.name_key = ?::text`,
    [historySince, key.region, key.realm, key.nameKey],
  );
  if (!row) return undefined;
  return {
    id: toId(row.id),
    name: row.name,
    blizzardId: row.blizzard_id === null ? null : toId(row.blizzard_id),
    className: row.class_name,
    specName: row.spec_name,
    role: row.role,
    level: row.level,
    fetchStatus: row.fetch_status,
    fetchedAt: row.fetched_at === null ? null : new Date(row.fetched_at),
    itemLevel: row.item_level,
    lastModified: row.last_modified,
    profileLastModified: row.profile_last_modified,
    history: row.history.map((h) => ({ date: h.date, itemLevel: Number(h.itemLevel) })),
  };
}

/** Columns whose change counts as a change of the projection besides the gear; fetched_at and the error columns do not. */
const progressColumns = (source: string) =>
  (['profile_last_modified'] as const satisfies ReadonlyArray<keyof ProgressRow>).map((c) => [c, `${source}.${c}`] as const);

const CLEARS_ERRORS = ['last_error = null', 'last_error_at = null'];

/** Writes a fetch: with new gear the whole projection, else only what moves without a change on Battle.net. */
export function saveFetchedProgress(db: Db, characterId: number, fetched: FetchedProgress): Promise<void> {
  return fetched.gear ? upsertProgressWithGear(db, characterId, fetched, fetched.gear) : updateProgressOnly(db, characterId, fetched);
}

/** A fetch with new gear rewrites the whole projection; updated_at moves only when one of these changes. */
const withGearAssignments = (always: readonly string[] = []) =>
  assignStampingChanges(
    'cp',
    [
      ['fetch_status', 'excluded.fetch_status'],
      ['item_level', 'excluded.item_level'],
      ['equipped_items', 'excluded.equipped_items'],
      ['gear_priorities', 'excluded.gear_priorities'],
      ['audit', 'excluded.audit'],
      ['last_modified', 'excluded.last_modified'],
      ['not_found_at', 'null::timestamptz'],
      ...progressColumns('excluded'),
    ],
    ['fetched_at = excluded.fetched_at', ...CLEARS_ERRORS, ...always],
  );

/** A fetch without new gear: the stored gear stays, the fetch is recorded and earlier errors are cleared. */
const withoutGearAssignments = (always: readonly string[] = []) =>
  assignStampingChanges(
    'cp',
    [['fetch_status', "'ok'"], ['not_found_at', 'null::timestamptz'], ...progressColumns('v')],
    ['fetched_at = v.fetched_at', ...CLEARS_ERRORS, ...always],
  );

/**
 * A fetch and the weekly gain measured with it, as one part of a larger statement: the character's id is
 * read from the CTE `cid` (one row, its `id` column; null writes nothing). The gain is written without moving
 * updated_at, as `saveWeeklyGain` does.
 */
export function progressWriteStatement(p: FetchedProgress, gain: WeeklyGain): { sql: string; params: unknown[] } {
  const gainColumns = ['weekly_gain = v.weekly_gain', 'gain_confidence = v.gain_confidence'];
  if (!p.gear) {
    return {
      sql: `update character_progress cp set ${withoutGearAssignments(gainColumns)}
       from (select ?::text as profile_last_modified, ?::timestamptz as fetched_at, ?::float8 as weekly_gain, ?::text as gain_confidence) v, cid
       where cp.character_id = cid.id
       returning cp.character_id`,
      params: [p.profileLastModified, p.fetchedAt, gain.weeklyGain, gain.confidence],
    };
  }
  const { gear } = p;
  return {
    sql: `insert into character_progress as cp (character_id, fetch_status, item_level, equipped_items, gear_priorities, audit,
       last_modified, profile_last_modified, fetched_at, weekly_gain, gain_confidence)
     select cid.id, 'ok', ?::float8, ?::jsonb, ?::jsonb, ?::jsonb, ?::text, ?::text, ?::timestamptz, ?::float8, ?::text
     from cid where cid.id is not null
     on conflict (character_id) do update set ${withGearAssignments(['weekly_gain = excluded.weekly_gain', 'gain_confidence = excluded.gain_confidence'])}
     returning cp.character_id`,
    params: [
      gear.itemLevel, JSON.stringify(gear.equippedItems), JSON.stringify(gear.gearPriorities), JSON.stringify(gear.audit),
      gear.lastModified, p.profileLastModified, p.fetchedAt, gain.weeklyGain, gain.confidence,
    ],
  };
}

async function upsertProgressWithGear(db: Db, characterId: number, p: FetchedProgress, gear: GearSnapshot): Promise<void> {
  const assignments = withGearAssignments();
  await query(
    db,
    `insert into character_progress as cp (character_id, fetch_status, item_level, equipped_items, gear_priorities, audit,
       last_modified, profile_last_modified, fetched_at)
     values (?, 'ok', ?, ?::jsonb, ?::jsonb, ?::jsonb, ?, ?, ?)
     on conflict (character_id) do update set ${assignments}`,
    [
      characterId, gear.itemLevel, JSON.stringify(gear.equippedItems), JSON.stringify(gear.gearPriorities), JSON.stringify(gear.audit),
      gear.lastModified, p.profileLastModified, p.fetchedAt,
    ],
  );
}

/** Equipment unchanged: the stored gear stays; the fetch is recorded and earlier errors are cleared. */
async function updateProgressOnly(db: Db, characterId: number, p: FetchedProgress): Promise<void> {
  const assignments = withoutGearAssignments();
  await query(
    db,
    `update character_progress cp set ${assignments}
     from (select ?::text as profile_last_modified, ?::timestamptz as fetched_at) v
     where cp.character_id = ?`,
    [p.profileLastModified, p.fetchedAt, characterId],
  );
}

/**
 * Battle.net does not know the character. Its validators are dropped, so a character that comes back is
 * fetched in full; the last data stays for history but fetch_status tells readers to answer 404.
 */
export async function markProgressNotFound(db: Db, characterId: number, at: Date): Promise<void> {
  await query(
    db,
    `insert into character_progress as cp (character_id, fetch_status, not_found_at, fetched_at)
     values (?, 'not_found', ?, ?)
     on conflict (character_id) do update set
       fetch_status = 'not_found', fetched_at = excluded.fetched_at, last_modified = null, profile_last_modified = null,
       last_error = null, last_error_at = null,
       not_found_at = case when cp.fetch_status = 'not_found' then cp.not_found_at else excluded.not_found_at end,
       updated_at = case when cp.fetch_status = 'not_found' then cp.updated_at else now() end`,
    [characterId, at, at],
  );
}

/**
 * A fetch failed. The last good data stays and is served as stale; only a character with nothing good
 * stored is marked 'error', so readers can answer 503 instead of waiting for data that is not coming.
 */
export async function recordProgressError(db: Db, characterId: number, reason: string, at: Date): Promise<void> {
  await query(
    db,
    `insert into character_progress as cp (character_id, fetch_status, last_error, last_error_at)
     values (?, 'error', ?, ?)
     on conflict (character_id) do update set
       last_error = excluded.last_error, last_error_at = excluded.last_error_at,
       fetch_status = case when cp.fetch_status in ('ok', 'not_found') then cp.fetch_status else 'error' end`,
    [characterId, reason.slice(0, 1000), at],
  );
}

/** The weekly gain measured at a refresh; a re-run that measures the same writes nothing. */
export async function saveWeeklyGain(db: Db, characterId: number, gain: WeeklyGain): Promise<void> {
  await query(
    db,
    `update character_progress set weekly_gain = ?::float8, gain_confidence = ?::text
     where character_id = ? and (weekly_gain, gain_confidence) is distinct from (?::float8, ?::text)`,
    [gain.weeklyGain, gain.confidence, characterId, gain.weeklyGain, gain.confidence],
  );
}

/** Characters fetched (or found missing) at or after `since`, with when: what the freshness scheduler catches up on. */
export async function fetchedSince(db: Db, since: Date): Promise<Array<{ characterId: number; fetchedAt: Date; notFound: boolean }>> {
  const rows = await query<{ character_id: string; fetched_at: Date; fetch_status: string }>(
    db,
    'select character_id, fetched_at, fetch_status from character_progress where fetched_at >= ?',
    [since],
  );
  return rows.map((r) => ({ characterId: toId(r.character_id), fetchedAt: new Date(r.fetched_at), notFound: r.fetch_status === 'not_found' }));
}
