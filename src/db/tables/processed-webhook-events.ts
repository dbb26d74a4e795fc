import { query, toNumber, type Db } from '../sql.js';
import { col, defineTable, type Row } from '../table.js';

/**
 * The webhook inbox: every accepted event with its payload and processing state, keyed by guild-api's id so a
 * redelivery is accepted and ignored. `seq` is assigned by the database in arrival order.
 */
export const processedWebhookEventsTable = defineTable('processed_webhook_events', {
  id: col.text(),
  seq: col.bigint().defaulted(),
  type: col.text(),
  guild_id: col.integer().nullable(),
  occurred_at: col.timestamptz().nullable(),
  payload: col.jsonb().nullable(),
  state: col.text<'pending' | 'done' | 'failed'>().defaulted(),
  attempts: col.integer().defaulted(),
  last_error: col.text().nullable(),
  received_at: col.timestamptz().defaulted(),
  processed_at: col.timestamptz().nullable(),
});

/** An accepted webhook event as the inbox holds it; `seq` orders events by arrival. */
export interface InboxEventRef {
  seq: number;
  id: string;
  type: string;
  guildId: number | null;
}

export interface InboxEvent extends InboxEventRef {
  state: 'pending' | 'done' | 'failed';
  payload: unknown;
  attempts: number;
}

type InboxRow = Pick<Row<typeof processedWebhookEventsTable>, 'seq' | 'id' | 'type' | 'guild_id'> &
  Partial<Pick<Row<typeof processedWebhookEventsTable>, 'state' | 'payload' | 'attempts'>>;

const refOf = (row: InboxRow): InboxEventRef => ({ seq: toNumber(row.seq) as number, id: row.id, type: row.type, guildId: row.guild_id });

/**
 * Stores an accepted event, payload and all, in the one statement that records its id: once this returns, the
 * event survives anything that happens to Redis. Undefined when the id was already recorded (a redelivery).
 */
export async function recordWebhookEvent(
  db: Db,
  event: { id: string; type: string; guildId: number; occurredAt: string; payload: unknown },
): Promise<InboxEventRef | undefined> {
  const rows = await query<InboxRow>(
    db,
    `insert into processed_webhook_events (id, type, guild_id, occurred_at, payload, state)
     values (?, ?, ?, ?, ?::jsonb, 'pending')
     on conflict (id) do nothing
     returning seq, id, type, guild_id`,
    [event.id, event.type, event.guildId, event.occurredAt, JSON.stringify(event.payload)],
  );
  return rows[0] ? refOf(rows[0]) : undefined;
}

/** Events not yet applied, oldest first. */
export async function pendingWebhookEvents(db: Db, limit: number): Promise<InboxEventRef[]> {
  const rows = await query<InboxRow>(
    db,
    `select seq, id, type, guild_id from processed_webhook_events where state = 'pending' order by seq limit ?`,
    [limit],
  );
  return rows.map(refOf);
}

export async function loadWebhookEvent(db: Db, seq: number): Promise<InboxEvent | undefined> {
  const rows = await query<InboxRow>(
    db,
    'select seq, id, type, guild_id, state, payload, attempts from processed_webhook_events where seq = ?',
    [seq],
  );
  const row = rows[0];
  if (!row) return undefined;
  return { ...refOf(row), state: row.state ?? 'pending', payload: row.payload, attempts: row.attempts ?? 0 };
}

export async function markWebhookEventDone(db: Db, seq: number): Promise<void> {
  await query(db, `update processed_webhook_events set state = 'done', processed_at = now(), last_error = null where seq = ?`, [seq]);
}

/** Counts a failed attempt; the last one leaves the event failed for an operator to look at. */
export async function recordWebhookEventFailure(db: Db, seq: number, error: string, isFinal: boolean): Promise<void> {
  await query(
    db,
    `update processed_webhook_events
     set attempts = attempts + 1, last_error = ?, state = case when ? then 'failed' else state end
     where seq = ? and state = 'pending'`,
    [error.slice(0, 1000), isFinal, seq],
  );
}

/**
 * Marks every pending roster change of a guild done: one full resync, enqueued right after, covers all of
 * them, since it reads the whole roster as it is then.
 */
export async function settleRosterChanges(db: Db, guildId: number): Promise<number> {
  const rows = await query<{ seq: string }>(
    db,
    `update processed_webhook_events set state = 'done', processed_at = now()
     where guild_id = ? and type = 'guild.roster_changed' and state = 'pending'
     returning seq`,
    [guildId],
  );
  return rows.length;
}
