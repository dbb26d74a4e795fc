import type { Job } from 'bullmq';
import { z } from 'zod';
import type { EntityManager } from '@mikro-orm/postgresql';
import { dropGuildResponses } from '../../cache/invalidate.js';
import { findGuild } from '../../db/projections/guilds.js';
import {
  changeRank, charactersOwnedBy, findCharacterId, leaveGuild, memberKey, upsertCharacters, upsertMemberships,
} from '../../db/projections/members.js';
import { PRIORITY } from '../../queue/character-refresh.js';
import { enqueueGuildSync } from '../../queue/guild-sync.js';
import { webhookEnvelopeSchema, webhookEventSchema, type WebhookEvent } from '../../queue/membership-event.js';
import { INBOX_DRAIN_JOB, INBOX_EVENT_JOB } from '../../queue/inbox-event.js';
import { QUEUE_NAMES } from '../../queue/names.js';
import { nameKey, type GuildRef } from '../../queue/schemas.js';
import type { WorkerContext } from '../context.js';
import { enqueueRefreshes } from '../fan-out.js';
import { drainInbox, processInboxEvent } from '../inbox.js';
import { runLogged } from '../job-log.js';
import { jobPayload, SHORT_JOB_LOCKS } from './payload.js';
import type { ProcessorModule } from './index.js';

export interface MembershipEventResult {
  status: 'ok' | 'ignored';
  reason?: string;
}

const eventSchema = z.intersection(webhookEnvelopeSchema.omit({ type: true, data: true }), webhookEventSchema);

type MemberData = { character_name: string; realm?: string; bnet_id: number };
type JoinData = MemberData & { rank_id: number; rank_name: string };

const characterOf = (guild: GuildRef, data: MemberData) => ({
  realm: data.realm ?? guild.realm,
  nameKey: nameKey(data.character_name),
  name: data.character_name,
});

/**
 * Makes the character a current member with guild-api's owner and rank, unless that membership ended after
 * the event happened (a late or replayed "joined" must not undo a later "left").
 */
async function join(ctx: WorkerContext, em: EntityManager, guild: GuildRef, data: JoinData, occurredAt: Date): Promise<void> {
  const character = characterOf(guild, data);
  await em.transactional(async (tx) => {
    const ids = await upsertCharacters(tx, guild.region, [{ ...character, className: null, level: null, ownerBnetId: data.bnet_id }]);
    const characterId = ids.get(memberKey(character.realm, character.nameKey));
    if (characterId === undefined) return;
    await upsertMemberships(
      tx,
      guild.id,
      [{ characterId, ownerBnetId: data.bnet_id, rankId: data.rank_id, rankName: data.rank_name }],
      { joinedAt: occurredAt, unlessLeftAfter: occurredAt },
    );
  });
  await enqueueRefreshes(ctx.queues.characterRefresh, [{ region: guild.region, realm: character.realm, name: character.name }], PRIORITY.webhook, 'webhook', ctx.logger);
}

async function apply(ctx: WorkerContext, event: WebhookEvent): Promise<MembershipEventResult> {
  const em = ctx.orm.em.fork();
  const guild = await findGuild(em, event.guild_id);
  // Events about guilds nobody has opened in progress-api are not ours to track.
  if (!guild) return { status: 'ignored', reason: 'guild not tracked' };
  const occurredAt = new Date(event.occurred_at);

  switch (event.type) {
    case 'member.joined':
      await join(ctx, em, guild, event.data, occurredAt);
      break;
    case 'member.left': {
      const c = characterOf(guild, event.data);
      const characterId = await findCharacterId(em, guild.region, c.realm, c.nameKey);
      if (characterId !== undefined) await leaveGuild(em, guild.id, characterId, occurredAt);
      break;
    }
    case 'member.rank_changed': {
      const c = characterOf(guild, event.data);
      const characterId = await findCharacterId(em, guild.region, c.realm, c.nameKey);
      const rank = { rankId: event.data.rank_id, rankName: event.data.rank_name, ownerBnetId: event.data.bnet_id };
      const isMember = characterId !== undefined && (await changeRank(em, guild.id, characterId, rank));
      // guild-api knows a member we missed: its rank change is as good as a join.
      if (!isMember) await join(ctx, em, guild, event.data, occurredAt);
      break;
    }
    case 'guild.roster_changed':
      await enqueueGuildSync(ctx.queues.guildSync, { guild, reason: 'webhook' });
      break;
    case 'user.characters_changed': {
      const owned = await charactersOwnedBy(em, event.data.bnet_id);
      await enqueueRefreshes(ctx.queues.characterRefresh, owned, PRIORITY.webhook, 'webhook', ctx.logger);
      break;
    }
  }
  await dropGuildResponses(ctx.redis, ctx.keys, [guild.id]);
  return { status: 'ok' };
}

export const membershipEventsProcessor: ProcessorModule = {
  queue: QUEUE_NAMES.membershipEvents,
  // One at a time, in arrival order: a join and a leave of the same member must not overtake each other.
  options: () => ({ concurrency: 1, ...SHORT_JOB_LOCKS }),
  create: (ctx) => (job: Job) => {
    if (job.name === INBOX_EVENT_JOB) return runLogged(ctx, job, {}, () => processInboxEvent(ctx, job, (event) => apply(ctx, event)));
    if (job.name === INBOX_DRAIN_JOB) return runLogged(ctx, job, {}, async () => ({ status: 'ok', queued: await drainInbox(ctx) }));
    // A whole event on the queue: queued before the inbox existed, or by a tool that bypasses it.
    const data = (job.data ?? {}) as Partial<WebhookEvent> & { data?: { character_name?: string } };
    return runLogged(ctx, job, { guildId: data.guild_id, character: data.data?.character_name }, () =>
      apply(ctx, jobPayload(eventSchema, job) as WebhookEvent),
    );
  },
};
