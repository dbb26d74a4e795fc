import { query, toIso, toNumber, type Db } from '../sql.js';
import { col, defineTable, type Row } from '../table.js';

/** Every version of a guild's GM message; the newest row is the current message. */
export const guildMessagesTable = defineTable('guild_messages', {
  id: col.bigint().defaulted(),
  guild_id: col.integer(),
  message: col.text(),
  created_by: col.bigint(),
  created_at: col.timestamptz().defaulted(),
});

export interface MessageRecord {
  guildId: number;
  message: string;
  createdBy: number;
  createdAt: string;
}

type MessageRow = Pick<Row<typeof guildMessagesTable>, 'guild_id' | 'message' | 'created_by' | 'created_at'>;

const toRecord = (r: MessageRow): MessageRecord => ({
  guildId: r.guild_id,
  message: r.message,
  createdBy: toNumber(r.created_by) as number,
  createdAt: toIso(r.created_at) as string,
});

/** The newest version is the current message (guild_messages_guild_idx: guild_id, id desc). */
export async function findCurrentMessage(db: Db, guildId: number): Promise<MessageRecord | undefined> {
  const rows = await query<MessageRow>(
    db,
    'select guild_id, message, created_by, created_at from guild_messages where guild_id = ? order by id desc limit 1',
    [guildId],
  );
  return rows[0] && toRecord(rows[0]);
}

/** Every write is a new row, so the history of a guild's messages is never lost. */
export async function appendMessage(db: Db, guildId: number, message: string, createdBy: number): Promise<MessageRecord> {
  const rows = await query<MessageRow>(
    db,
    'insert into guild_messages (guild_id, message, created_by) values (?, ?, ?) returning guild_id, message, created_by, created_at',
    [guildId, message, createdBy],
  );
  return toRecord(rows[0] as MessageRow);
}

export async function findMessageHistory(db: Db, guildId: number, limit: number, offset: number): Promise<{ total: number; messages: MessageRecord[] }> {
  const [rows, counts] = await Promise.all([
    query<MessageRow>(
      db,
      'select guild_id, message, created_by, created_at from guild_messages where guild_id = ? order by id desc limit ? offset ?',
      [guildId, limit, offset],
    ),
    query<{ total: string }>(db, 'select count(*) as total from guild_messages where guild_id = ?', [guildId]),
  ]);
  return { total: Number(counts[0]?.total ?? 0), messages: rows.map(toRecord) };
}
