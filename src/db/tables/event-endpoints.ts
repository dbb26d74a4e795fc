import { query, toId, toIso, type Db } from '../sql.js';
import { col, defineTable, type Row } from '../table.js';

/** An officer's HTTPS endpoint for a guild's change events, with the event types it asked for. */
export const eventEndpointsTable = defineTable('event_endpoints', {
  id: col.bigint().defaulted(),
  guild_id: col.integer(),
  url: col.text(),
  event_types: col.jsonb<string[]>(),
  description: col.text().nullable(),
  /** The signing secret, sealed with SECRET_KEY (src/outbound/sealed.ts); shown once, when created. */
  secret_sealed: col.text(),
  created_by: col.bigint(),
  created_at: col.timestamptz(),
  /** Set by the first failed delivery after a success; an endpoint failing for a day is disabled. */
  failing_since: col.timestamptz().nullable(),
  last_success_at: col.timestamptz().nullable(),
  disabled_at: col.timestamptz().nullable(),
  disabled_reason: col.text().nullable(),
});

type EndpointRow = Row<typeof eventEndpointsTable>;

export interface EventEndpoint {
  id: number;
  guildId: number;
  url: string;
  eventTypes: string[];
  description: string | null;
  secretSealed: string;
  createdBy: number;
  createdAt: string;
  failingSince: string | null;
  lastSuccessAt: string | null;
  disabledAt: string | null;
  disabledReason: string | null;
}

const toEndpoint = (r: EndpointRow): EventEndpoint => ({
  id: toId(r.id),
  guildId: r.guild_id,
  url: r.url,
  eventTypes: r.event_types,
  description: r.description,
  secretSealed: r.secret_sealed,
  createdBy: toId(r.created_by),
  createdAt: toIso(r.created_at) as string,
  failingSince: toIso(r.failing_since),
  lastSuccessAt: toIso(r.last_success_at),
  disabledAt: toIso(r.disabled_at),
  disabledReason: r.disabled_reason,
});

export interface NewEndpoint {
  guildId: number;
  url: string;
  eventTypes: string[];
  description: string | null;
  secretSealed: string;
  createdBy: number;
  createdAt: Date;
}

export async function insertEndpoint(db: Db, e: NewEndpoint): Promise<EventEndpoint> {
  const [row] = await query<EndpointRow>(
    db,
    `insert into event_endpoints (guild_id, url, event_types, description, secret_sealed, created_by, created_at)
     values (?, ?, ?::jsonb, ?, ?, ?, ?) returning *`,
    [e.guildId, e.url, JSON.stringify(e.eventTypes), e.description, e.secretSealed, e.createdBy, e.createdAt],
  );
  return toEndpoint(row as EndpointRow);
}

export async function countEndpoints(db: Db, guildId: number): Promise<number> {
  const [row] = await query<{ n: string }>(db, 'select count(*) as n from event_endpoints where guild_id = ?', [guildId]);
  return Number(row?.n ?? 0);
}

export async function listEndpoints(db: Db, guildId: number): Promise<EventEndpoint[]> {
  const rows = await query<EndpointRow>(db, 'select * from event_endpoints where guild_id = ? order by id', [guildId]);
  return rows.map(toEndpoint);
}

export async function findEndpoint(db: Db, guildId: number, endpointId: number): Promise<EventEndpoint | undefined> {
  const [row] = await query<EndpointRow>(db, 'select * from event_endpoints where guild_id = ? and id = ?', [guildId, endpointId]);
  return row && toEndpoint(row);
}

export async function findEndpointById(db: Db, endpointId: number): Promise<EventEndpoint | undefined> {
  const [row] = await query<EndpointRow>(db, 'select * from event_endpoints where id = ?', [endpointId]);
  return row && toEndpoint(row);
}

export async function deleteEndpoint(db: Db, guildId: number, endpointId: number): Promise<boolean> {
  const rows = await query<{ id: string }>(db, 'delete from event_endpoints where guild_id = ? and id = ? returning id', [guildId, endpointId]);
  return rows.length > 0;
}

/** Enabled again by an officer: the failure streak starts over. */
export async function enableEndpoint(db: Db, guildId: number, endpointId: number): Promise<EventEndpoint | undefined> {
  const [row] = await query<EndpointRow>(
    db,
    'update event_endpoints set disabled_at = null, disabled_reason = null, failing_since = null where guild_id = ? and id = ? returning *',
    [guildId, endpointId],
  );
  return row && toEndpoint(row);
}

/** The enabled endpoints of a guild that asked for an event type. */
export async function subscribedEndpoints(db: Db, guildId: number, eventType: string): Promise<Array<{ id: number }>> {
  const rows = await query<{ id: string }>(
    db,
    'select id from event_endpoints where guild_id = ? and disabled_at is null and event_types @> ?::jsonb order by id',
    [guildId, JSON.stringify([eventType])],
  );
  return rows.map((r) => ({ id: toId(r.id) }));
}

/** Which of these guilds have an enabled endpoint for an event type (a cheap test before computing the event). */
export async function guildsSubscribedTo(db: Db, guildIds: readonly number[], eventType: string): Promise<Set<number>> {
  if (guildIds.length === 0) return new Set();
  const rows = await query<{ guild_id: number }>(
    db,
    'select distinct guild_id from event_endpoints where guild_id in (?) and disabled_at is null and event_types @> ?::jsonb',
    [guildIds, JSON.stringify([eventType])],
  );
  return new Set(rows.map((r) => r.guild_id));
}

export async function recordEndpointSuccess(db: Db, endpointId: number, at: Date): Promise<void> {
  await query(db, 'update event_endpoints set failing_since = null, last_success_at = ? where id = ?', [at, endpointId]);
}

/**
 * Records a failed delivery: the failure streak starts now unless it already runs. Once it has run for
 * `disableAfterMs`, the endpoint is disabled with the reason. Answers whether it is disabled now.
 */
export async function recordEndpointFailure(db: Db, endpointId: number, at: Date, error: string, disableAfterMs: number): Promise<boolean> {
  const [row] = await query<{ disabled: boolean }>(
    db,
    `update event_endpoints e set
       failing_since = coalesce(e.failing_since, ?::timestamptz),
       disabled_at = case when e.disabled_at is null and coalesce(e.failing_since, ?::timestamptz) <= ?::timestamptz - (? * interval '1 millisecond')
                          then ?::timestamptz else e.disabled_at end,
       disabled_reason = case when e.disabled_at is null and coalesce(e.failing_since, ?::timestamptz) <= ?::timestamptz - (? * interval '1 millisecond')
                          then 'every delivery failed since ' || to_char(coalesce(e.failing_since, ?::timestamptz) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') || '; last: ' || ?
                          else e.disabled_reason end
     where id = ? returning disabled_at is not null as disabled`,
    [at, at, at, disableAfterMs, at, at, at, disableAfterMs, at, error, endpointId],
  );
  return row?.disabled ?? false;
}
