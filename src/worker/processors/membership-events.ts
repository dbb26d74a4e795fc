import type { WorkerOptions } from 'bullmq';
import type { EntityManager } from '@mikro-orm/postgresql';
import { dropGuildResponses, dropMemberResponses } from '../../cache/invalidate.js';
import { charactersOwnedBy, memberKey, upsertCharacters } from '../../db/tables/characters.js';
import { changeRank, isNewestEvent, recordLeave, upsertMemberships } from '../../db/tables/guild-memberships.js';
import { findGuild, lockGuildMembership } from '../../db/tables/guilds.js';
import { PRIORITY } from '../../queue/character-refresh.js';
import { guildSyncJob } from '../../queue/guild-sync.js';
import type { WebhookEvent } from '../../queue/membership-event.js';
import { nameKey, type GuildRef } from '../../queue/schemas.js';
import { queueDeliveries, recordMemberEvents } from '../../outbound/events.js';
import { inTransaction } from '../../db/sql.js';
import type { WorkerContext } from '../context.js';
import { enqueueRefreshes } from '../fan-out.js';
import { drainInbox, processInboxEvent } from '../inbox.js';
import type { JobSubject } from '../job-log.js';
import { SHORT_JOB_LOCKS } from './payload.js';
import type { JobProcessor } from './index.js';

export interface MembershipEventResult {
  status: 'ok' | 'ignored';
  reason?: string;
}

type MemberData = { character_name: string; realm?: string; bnet_id: number };

const characterOf = (guild: GuildRef, data: MemberData) => ({
  realm: data.realm ?? guild.realm,
  nameKey: nameKey(data.character_name),
  name: data.character_name,
});

type MemberEvent = Extract<WebhookEvent, { type: 'member.joined' | 'member.left' | 'member.rank_changed' }>;

/**
 * Applies a member event in the order events happened: an event older than what the membership already
 * reflects (a later event, or a guild-api list read after it) is kept in the log and changes nothing.
 * Returns false for such a superseded event.
 */
async function applyMemberEvent(ctx: WorkerContext, em: EntityManager, guild: GuildRef, event: MemberEvent, occurredAt: Date): Promise<boolean> {
  const character = characterOf(guild, event.data);
  const applied = await inTransaction(em, async (tx) => {
    await lockGuildMembership(tx, guild.id);
    const identity = { ...character, className: null, level: null, ownerBnetId: null };
    const ids = await upsertCharacters(tx, guild.region, [identity]);
    const characterId = ids.get(memberKey(character.realm, character.nameKey));
    if (characterId === undefined || !(await isNewestEvent(tx, guild.id, characterId, occurredAt))) return 'superseded';
    if (event.type === 'member.left') {
      await recordLeave(tx, guild.id, characterId, occurredAt);
      return 'left';
    }
    // The owner is guild-api's too, and only a current event may set it.
    await upsertCharacters(tx, guild.region, [{ ...identity, ownerBnetId: event.data.bnet_id }]);
    const rank = { rankId: event.data.rank_id, rankName: event.data.rank_name, ownerBnetId: event.data.bnet_id };
    // A rank change of a character we do not list is guild-api telling us of a member we missed: a join.
    if (event.type === 'member.rank_changed' && (await changeRank(tx, guild.id, characterId, rank, occurredAt))) return 'rank';
    await upsertMemberships(tx, guild.id, [{ characterId, ...rank }], { joinedAt: occurredAt, lastEventAt: occurredAt });
    return 'joined';
  });
  if (applied === 'superseded') return false;
  if (applied === 'joined' || applied === 'left') {
    const change = { realm: character.realm, nameKey: character.nameKey, name: character.name, bnetId: event.data.bnet_id };
    const changes = applied === 'joined'
      ? { joined: [{ ...change, rankId: 'rank_id' in event.data ? event.data.rank_id : null }], left: [] }
      : { joined: [], left: [change] };
    await recordMemberEvents(ctx.orm, guild.id, changes, occurredAt, ctx.clock.now())
      .then((deliveries) => queueDeliveries(ctx.queues, deliveries, ctx.logger))
      .catch((err: Error) => ctx.logger.warn({ guildId: guild.id, reason: err.message }, 'could not record a member event'));
  }
  await dropMemberResponses(ctx.redis, ctx.keys, guild.id, guild.region, [character]);
  if (applied === 'joined') {
    await enqueueRefreshes(ctx.queues, [{ region: guild.region, realm: character.realm, name: character.name }], PRIORITY.webhook, 'webhook', ctx.logger);
  }
  return true;
}

async function apply(ctx: WorkerContext, event: WebhookEvent): Promise<MembershipEventResult> {
  const em = ctx.orm.em.fork();
  const guild = await findGuild(em, event.guild_id);
  // Events about guilds nobody has opened in progress-api are not ours to track.
  if (!guild) return { status: 'ignored', reason: 'guild not tracked' };
  const occurredAt = new Date(event.occurred_at);

  switch (event.type) {
    case 'member.joined':
    case 'member.left':
    case 'member.rank_changed':
      if (!(await applyMemberEvent(ctx, em, guild, event, occurredAt))) {
        return { status: 'ignored', reason: 'superseded: a later event or guild-api list already applies to this member' };
      }
      break;
    case 'guild.roster_changed':
      // The sync works from the membership guild-api last gave; its next list arrives when the guild is next read.
      await guildSyncJob.enqueue(ctx.queues, { guild, reason: 'webhook' });
      break;
    case 'user.characters_changed': {
      const owned = await charactersOwnedBy(em, event.data.bnet_id);
      await enqueueRefreshes(ctx.queues, owned, PRIORITY.webhook, 'webhook', ctx.logger);
      break;
    }
  }
  await dropGuildResponses(ctx.redis, ctx.keys, [guild.id]);
  return { status: 'ok' };
}

// One at a time; the order that counts is occurred_at, which the projection enforces per character.
export const membershipEventsWorker = (): Partial<WorkerOptions> => ({ concurrency: 1, ...SHORT_JOB_LOCKS });

/** "Apply inbox event N": the event is read from the inbox and applied once. */
export const inboxEventProcessor: JobProcessor<'inboxEvent'> = {
  create: (ctx) => (payload, job) => processInboxEvent(ctx, payload, job, (event) => apply(ctx, event)),
};

export const drainInboxProcessor: JobProcessor<'drainInbox'> = {
  create: (ctx) => async () => ({ status: 'ok', queued: await drainInbox(ctx) }),
};

/** A whole event on the queue, put there by a tool that bypasses the inbox. */
export const membershipEventProcessor: JobProcessor<'membershipEvent'> = {
  subject: (data): JobSubject => ({
    guildId: data.guild_id,
    character: (data.data as { character_name?: string } | undefined)?.character_name,
  }),
  create: (ctx) => (event) => apply(ctx, event as WebhookEvent),
};
