import { execute, toIso, toNumber, type Db } from './connection.js';

export interface MessageRecord {
  guildId: number;
  message: string;
  createdBy: number;
  createdAt: string;
}

interface Row {
  guild_id: number;
  message: string;
  created_by: string;
  created_at: string;
}

const toRecord = (r: Row): MessageRecord => ({
  guildId: r.guild_id,
  message: r.message,
  createdBy: toNumber(r.created_by) as number,
  createdAt: toIso(r.created_at) as string,
});

/** The newest version is the current message (guild_messages_guild_idx: guild_id, id desc). */
export async function findCurrentMessage(db: Db, guildId: number): Promise<MessageRecord | undefined> {
  const rows = await execute<Row>(
    db,
    'select guild_id, message, created_by, created_at from guild_messages where guild_id = ? order by id desc limit 1',
    [guildId],
  );
  return rows[0] && toRecord(rows[0]);
}

/** Every write is a new row, so the history of a guild's messages is never lost. */
export async function appendMessage(db: Db, guildId: number, message: string, createdBy: number): Promise<MessageRecord> {
  const rows = await execute<Row>(
    db,
    'insert into guild_messages (guild_id, message, created_by) values (?, ?, ?) returning guild_id, message, created_by, created_at',
    [guildId, message, createdBy],
  );
  return toRecord(rows[0] as Row);
}

export async function findMessageHistory(db: Db, guildId: number, limit: number, offset: number): Promise<{ total: number; messages: MessageRecord[] }> {
  const [rows, counts] = await Promise.all([
    execute<Row>(
      db,
      'select guild_id, message, created_by, created_at from guild_messages where guild_id = ? order by id desc limit ? offset ?',
      [guildId, limit, offset],
    ),
    execute<{ total: string }>(db, 'select count(*) as total from guild_messages where guild_id = ?', [guildId]),
  ]);
  return { total: Number(counts[0]?.total ?? 0), messages: rows.map(toRecord) };
}
