import { createHash, randomUUID } from 'node:crypto';
import { insertDeliveries } from '../db/tables/event-deliveries.js';
import { subscribedEndpoints } from '../db/tables/event-endpoints.js';
import type { Db } from '../db/sql.js';
import type { Logger } from '../logger.js';
import { eventDeliveryJob } from '../queue/outbound.js';
import type { Queues } from '../queue/queues.js';

/** The change events a guild's officers can subscribe an endpoint to. */
export const GUILD_EVENT_TYPES = [
  'character.target_met',
  'character.fell_behind',
  'member.joined',
  'member.left',
  'message.updated',
  'digest.weekly',
] as const;
export type GuildEventType = (typeof GUILD_EVENT_TYPES)[number];

export interface GuildEvent {
  type: GuildEventType;
  guildId: number;
  occurredAt: Date;
  data: Record<string, unknown>;
  /**
   * What makes the event itself unique (a character and a week, a reset): the same key gives the same event id,
   * so a fact noticed twice (a retried job, a second replica) is delivered once. Random when left out.
   */
  key?: string;
}

/** The event's id: `evt_` and 32 hex digits, derived from its key when it has one. */
export function eventIdOf(event: GuildEvent): string {
  if (event.key === undefined) return `evt_${randomUUID().replace(/-/g, '')}`;
  return `evt_${createHash('sha256').update(`${event.guildId}\0${event.type}\0${event.key}`).digest('hex').slice(0, 32)}`;
}

/** The body every endpoint receives: the envelope guild-api's own webhooks use, with our event's data. */
export function eventBody(id: string, event: GuildEvent): string {
  return JSON.stringify({ id, type: event.type, guild_id: event.guildId, occurred_at: event.occurredAt.toISOString(), data: event.data });
}

/**
 * Records an event for every enabled endpoint of the guild that asked for its type, in the caller's transaction
 * when it has one. Answers the deliveries created, for `queueDeliveries` once that transaction has committed.
 */
export async function recordEvent(db: Db, event: GuildEvent, at: Date): Promise<number[]> {
  const endpoints = await subscribedEndpoints(db, event.guildId, event.type);
  if (endpoints.length === 0) return [];
  const id = eventIdOf(event);
  return insertDeliveries(db, endpoints.map((e) => e.id), { id, type: event.type, body: eventBody(id, event) }, at);
}

/**
 * Puts deliveries on the outbound queue. A failure here loses nothing: the rows stay pending and the periodic
 * check queues them again.
 */
export async function queueDeliveries(queues: Queues, deliveryIds: readonly number[], logger: Logger): Promise<void> {
  if (deliveryIds.length === 0) return;
  try {
    await eventDeliveryJob.enqueueMany(queues, deliveryIds.map((deliveryId) => ({ deliveryId })));
  } catch (err) {
    logger.warn({ deliveries: deliveryIds.length, reason: (err as Error).message }, 'could not queue event deliveries; the periodic check will');
  }
}

export interface EmitDeps {
  db: Db;
  queues: Queues;
  logger: Logger;
}

/**
 * Records and queues an event where the fact happened. Emitting is a side effect of something already done
 * (a message saved, a member applied), so a failure is logged and never undoes it.
 */
export async function emitEvent(deps: EmitDeps, event: GuildEvent, at: Date): Promise<void> {
  try {
    await queueDeliveries(deps.queues, await recordEvent(deps.db, event, at), deps.logger);
  } catch (err) {
    deps.logger.warn({ guildId: event.guildId, type: event.type, reason: (err as Error).message }, 'could not record a guild event');
  }
}

export interface MemberChange {
  realm: string;
  nameKey: string;
  /** The name as spelled, when known; the lower-cased key otherwise. */
  name?: string;
  bnetId?: number | null;
  rankId?: number | null;
}

/**
 * `member.joined` and `member.left` for membership changes applied at `occurredAt` (a webhook's event time, or
 * the read instant of the guild-api list a sync applied), keyed by character and that instant so a re-run
 * records nothing new.
 */
export async function recordMemberEvents(
  db: Db,
  guildId: number,
  changes: { joined: readonly MemberChange[]; left: readonly MemberChange[] },
  occurredAt: Date,
  at: Date,
): Promise<number[]> {
  const deliveries: number[] = [];
  const record = async (type: 'member.joined' | 'member.left', m: MemberChange) => {
    const data = {
      character_name: m.name ?? m.nameKey, realm: m.realm,
      ...(m.bnetId !== undefined && { bnet_id: m.bnetId }), ...(m.rankId !== undefined && { rank_id: m.rankId }),
    };
    deliveries.push(...(await recordEvent(db, { type, guildId, occurredAt, data, key: `${m.realm}/${m.nameKey}@${occurredAt.toISOString()}` }, at)));
  };
  for (const m of changes.joined) await record('member.joined', m);
  for (const m of changes.left) await record('member.left', m);
  return deliveries;
}
