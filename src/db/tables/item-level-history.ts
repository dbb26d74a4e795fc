import { query, type Db } from '../sql.js';
import { col, defineTable } from '../table.js';

/**
 * One point per character per day: the last item level seen that day. Written on every refresh; nothing reads
 * it yet (a per-character history endpoint will), so the points are there from the first day it ships.
 */
export const itemLevelHistoryTable = defineTable('item_level_history', {
  character_id: col.bigint(),
  day: col.date(),
  item_level: col.double(),
  recorded_at: col.timestamptz().defaulted(),
});

/** `day` is a UTC date (YYYY-MM-DD); a second refresh the same day overwrites the day's point. */
export async function recordItemLevel(db: Db, characterId: number, day: string, itemLevel: number): Promise<void> {
  await query(
    db,
    `insert into item_level_history as h (character_id, day, item_level) values (?, ?::date, ?)
     on conflict (character_id, day) do update set item_level = excluded.item_level, recorded_at = now()
     where h.item_level is distinct from excluded.item_level`,
    [characterId, day, itemLevel],
  );
}
