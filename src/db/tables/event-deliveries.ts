import { query, toId, toIso, type Db } from '../sql.js';
import { col, defineTable, type Row } from '../table.js';

/**
 * One event for one endpoint: the exact body sent (so every retry sends the same bytes and the same event id)
 * and how its attempts went. Unique per endpoint and event id, so emitting the same event twice delivers it once.
 */
export const eventDeliveriesTable = defineTable('event_deliveries', {
  id: col.bigint().defaulted(),
  endpoint_id: col.bigint(),
  event_id: col.text(),
  event_type: col.text(),
  body: col.text(),
  status: col.text<DeliveryStatus>().defaulted(),
  attempts: col.integer().defaulted(),
  last_status_code: col.integer().nullable(),
  last_error: col.text().nullable(),
  created_at: col.timestamptz(),
  last_attempt_at: col.timestamptz().nullable(),
});

/** pending: not delivered yet (retries left); delivered; failed: attempts exhausted or the endpoint was disabled. */
export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

type DeliveryRow = Row<typeof eventDeliveriesTable>;

export interface EventDelivery {
  id: number;
  endpointId: number;
  eventId: string;
  eventType: string;
  body: string;
  status: DeliveryStatus;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: string;
  lastAttemptAt: string | null;
}

const toDelivery = (r: DeliveryRow): EventDelivery => ({
  id: toId(r.id),
  endpointId: toId(r.endpoint_id),
  eventId: r.event_id,
  eventType: r.event_type,
  body: r.body,
  status: r.status,
  attempts: r.attempts,
  lastStatusCode: r.last_status_code,
  lastError: r.last_error,
  createdAt: toIso(r.created_at) as string,
  lastAttemptAt: toIso(r.last_attempt_at),
});

/** Records an event for endpoints; answers the ids of the deliveries created (none for an event already recorded). */
export async function insertDeliveries(
  db: Db,
  endpointIds: readonly number[],
  event: { id: string; type: string; body: string },
  at: Date,
): Promise<number[]> {
  if (endpointIds.length === 0) return [];
  const rows = await query<{ id: string }>(
    db,
    `insert into event_deliveries (endpoint_id, event_id, event_type, body, created_at)
     select e.id, ?, ?, ?, ? from jsonb_array_elements_text(?::jsonb) as ids(v) join event_endpoints e on e.id = ids.v::bigint
     on conflict (endpoint_id, event_id) do nothing returning id`,
    [event.id, event.type, event.body, at, JSON.stringify(endpointIds.map(String))],
  );
  return rows.map((r) => toId(r.id));
}

export async function findDelivery(db: Db, deliveryId: number): Promise<EventDelivery | undefined> {
  const [row] = await query<DeliveryRow>(db, 'select * from event_deliveries where id = ?', [deliveryId]);
  return row && toDelivery(row);
}

export async function recordAttempt(
  db: Db,
  deliveryId: number,
  attempt: { status: DeliveryStatus; statusCode: number | null; error: string | null; at: Date },
): Promise<void> {
  await query(
    db,
    `update event_deliveries set status = ?, attempts = attempts + 1, last_status_code = ?, last_error = ?, last_attempt_at = ?
     where id = ?`,
    [attempt.status, attempt.statusCode, attempt.error, attempt.at, deliveryId],
  );
}

/** The newest deliveries to an endpoint. */
export async function recentDeliveries(db: Db, endpointId: number, limit: number): Promise<EventDelivery[]> {
  const rows = await query<DeliveryRow>(db, 'select * from event_deliveries where endpoint_id = ? order by id desc limit ?', [endpointId, limit]);
  return rows.map(toDelivery);
}

/** Deliveries still pending that were created before an instant: the sweep queues them again. */
export async function pendingDeliveries(db: Db, createdBefore: Date, limit: number): Promise<number[]> {
  const rows = await query<{ id: string }>(
    db,
    "select id from event_deliveries where status = 'pending' and created_at < ? order by id limit ?",
    [createdBefore, limit],
  );
  return rows.map((r) => toId(r.id));
}
