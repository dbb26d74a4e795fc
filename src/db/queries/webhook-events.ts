import { execute, type Db } from './connection.js';

/** Records a webhook event id; false when it was already recorded (a redelivery). */
export async function recordWebhookEvent(db: Db, id: string, type: string, guildId: number): Promise<boolean> {
  const rows = await execute<{ id: string }>(
    db,
    'insert into processed_webhook_events (id, type, guild_id) values (?, ?, ?) on conflict (id) do nothing returning id',
    [id, type, guildId],
  );
  return rows.length === 1;
}

/** Undoes a record when the event could not be handed on, so guild-api's retry is not taken for a replay. */
export async function forgetWebhookEvent(db: Db, id: string): Promise<void> {
  await execute(db, 'delete from processed_webhook_events where id = ?', [id]);
}
