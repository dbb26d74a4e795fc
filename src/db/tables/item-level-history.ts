import { query, type Db } from '../sql.js';
import { col, defineTable } from '../table.js';

/**
 * One point per character per day: the last item level seen that day. Written on every refresh; read by the
 * character view's history and the history route, and by the worker's weekly gain.
 */
export const itemLevelHistoryTable = defineTable('item_level_history', {
  character_id: col.bigint(),
  day: col.date(),
  item_level: col.double(),
  recorded_at: col.timestamptz().defaulted(),
});

const KEEP_DAY_POINT = `on conflict (character_id, day) do update set item_level = excluded.item_level, recorded_at = now()
     where h.item_level is distinct from excluded.item_level`;

/** `day` is a UTC date (YYYY-MM-DD); a second refresh the same day overwrites the day's point. */
export async function recordItemLevel(db: Db, characterId: number, day: string, itemLevel: number): Promise<void> {
  await query(
    db,
    `insert into item_level_history as h (character_id, day, item_level) values (?, ?::date, ?)
     ${KEEP_DAY_POINT}`,
    [characterId, day, itemLevel],
  );
}

/** `recordItemLevel` as one part of a larger statement: the character's id is read from the CTE `cid`. */
export function historyPointStatement(day: string, itemLevel: number): { sql: string; params: unknown[] } {
  return {
    sql: `insert into item_level_history as h (character_id, day, item_level)
     select cid.id, ?::date, ?::float8 from cid where cid.id is not null
     ${KEEP_DAY_POINT}
     returning h.character_id`,
    params: [day, itemLevel],
  };
}

export interface ItemLevelPoint {
  /** YYYY-MM-DD (UTC) */
  date: string;
  itemLevel: number;
}

/** A character's daily points between two UTC days, both included, oldest first (the primary key serves it). */
export async function itemLevelHistory(db: Db, characterId: number, fromDay: string, toDay: string): Promise<ItemLevelPoint[]> {
  const rows = await query<{ day: string; item_level: number }>(
    db,
    `select to_char(day, 'YYYY-MM-DD') as day, item_level from item_level_history
     where character_id = ? and day between ?::date and ?::date order by day`,
    [characterId, fromDay, toDay],
  );
  return rows.map((r) => ({ date: r.day, itemLevel: Number(r.item_level) }));
}

/** Moves a character's points to another (the same character found under a new name); the kept ones win a day. */
export async function moveHistory(db: Db, fromId: number, intoId: number): Promise<void> {
  await query(
    db,
    `insert into item_level_history (character_id, day, item_level, recorded_at)
     select ?, day, item_level, recorded_at from item_level_history where character_id = ?
     on conflict (character_id, day) do nothing`,
    [intoId, fromId],
  );
  await query(db, 'delete from item_level_history where character_id = ?', [fromId]);
}
