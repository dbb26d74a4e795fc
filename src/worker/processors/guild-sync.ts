import { DelayedError, type Job, type WorkerOptions } from 'bullmq';
import { z } from 'zod';
import type { EntityManager } from '@mikro-orm/postgresql';
import { dropGuildResponses, dropMemberResponses } from '../../cache/invalidate.js';
import { memberKey, upsertCharacters } from '../../db/tables/characters.js';
import { freshGuildApiRoster } from '../../db/tables/guild-api-rosters.js';
import { countCurrentMembers, currentMembers, markLeavers, membersDueForRefresh, upsertMemberships } from '../../db/tables/guild-memberships.js';
import { lockGuildMembership, recordGuildSynced, recordMembershipAsOf, upsertGuild } from '../../db/tables/guilds.js';
import { guildOpenings } from '../freshness/guilds.js';
import { PRIORITY } from '../../queue/character-refresh.js';
import { inTransaction } from '../../db/sql.js';
import { guildSyncJob, type GuildSyncPayload } from '../../queue/guild-sync.js';
import { guildMemberSchema, type GuildRef } from '../../queue/schemas.js';
import type { GuildRosterMember } from '../../upstream/blizzard/client.js';
import { queueDeliveries, recordMemberEvents } from '../../outbound/events.js';
import type { WorkerContext } from '../context.js';
import { enqueueRefreshes } from '../fan-out.js';
import { enrichStored, mergeRosters } from '../roster-merge.js';
import { SHORT_JOB_LOCKS } from './payload.js';
import type { JobProcessor } from './index.js';

export interface GuildSyncResult {
  /** ok: Battle.net's roster was read; partial: it could not be; not_found: Battle.net does not know the guild. */
  status: 'ok' | 'partial' | 'not_found';
  /** Whether a guild-api list newer than the membership was applied (else the stored membership stood). */
  fromGuildApi: boolean;
  /** Current members after the sync, as the officer overview's `total` counts them. */
  members: number;
  left: number;
  refreshes: number;
}

type Roster = { kind: 'ok'; members: GuildRosterMember[] } | { kind: 'not_found' } | { kind: 'unavailable'; reason: string };

/**
 * Battle.net's roster, which only enriches members (class, level, realm). A 429 delays the whole sync without
 * using an attempt; any other failure leaves the membership to guild-api alone.
 */
async function fetchRoster(ctx: WorkerContext, guild: GuildRef, job: Job, token: string | undefined): Promise<Roster> {
  const roster = await ctx.blizzard.getGuildRoster(guild.region, guild.realm, guild.name);
  switch (roster.kind) {
    case 'ok':
      return { kind: 'ok', members: roster.data.members };
    case 'rate_limited':
      await job.moveToDelayed(Date.now() + Math.ceil(roster.retryAfterMs), token);
      throw new DelayedError();
    case 'not_found':
      return { kind: 'not_found' };
    case 'not_modified':
      throw new Error('Battle.net answered 304 to a roster request sent without validators');
    case 'unavailable':
    case 'bad_data':
      ctx.logger.warn({ guildId: guild.id, reason: roster.reason }, 'Battle.net roster unavailable; membership stays guild-api\'s alone');
      return { kind: 'unavailable', reason: roster.reason };
  }
}

const storedMembersSchema = z.array(guildMemberSchema);

/**
 * Rebuilds the membership from guild-api's latest list when one newer than the membership is stored, else
 * keeps the membership guild-api last gave (as webhooks have kept it current). Returns the changed counts.
 */
async function applyMembership(tx: EntityManager, ctx: WorkerContext, guild: GuildRef, roster: GuildRosterMember[] | null) {
  await lockGuildMembership(tx, guild.id);
  const list = await freshGuildApiRoster(tx, guild.id);
  const parsed = list ? storedMembersSchema.safeParse(list.members) : undefined;
  if (!list || !parsed?.success) {
    if (parsed && !parsed.success) ctx.logger.warn({ guildId: guild.id }, 'stored guild-api member list is unreadable; keeping the membership');
    const stored = await currentMembers(tx, guild.id);
    if (roster) await upsertCharacters(tx, guild.region, enrichStored(stored, roster));
    return { fromGuildApi: false, members: await countCurrentMembers(tx, guild.id), left: 0, changed: { any: false, members: [] }, deliveries: [] };
  }
  const before = new Set((await currentMembers(tx, guild.id)).map((m) => m.characterId));

  const members = mergeRosters(guild, roster, parsed.data);
  const ids = await upsertCharacters(tx, guild.region, members);
  const ranks = members.flatMap((m) => {
    const characterId = ids.get(memberKey(m.realm, m.nameKey));
    return characterId === undefined ? [] : [{ characterId, ownerBnetId: m.ownerBnetId, rankId: m.rankId, rankName: m.rankName }];
  });
  // An event that happened after the list was read knows better than the list about that character.
  const written = await upsertMemberships(tx, guild.id, ranks, { joinedAt: list.readAt, unlessEventAfter: list.readAt });
  const leavers = await markLeavers(tx, guild.id, ranks.map((r) => r.characterId), list.readAt);
  await recordMembershipAsOf(tx, guild.id, list.readAt);
  const joiners = members.filter((m) => !before.has(ids.get(memberKey(m.realm, m.nameKey)) ?? -1));
  // A guild's first list is its roster being imported, not members joining.
  const deliveries = before.size === 0 ? [] : await recordMemberEvents(
    tx, guild.id,
    { joined: joiners.map((m) => ({ realm: m.realm, nameKey: m.nameKey, name: m.name, bnetId: m.ownerBnetId ?? null, rankId: m.rankId ?? null })), left: leavers },
    list.readAt, ctx.clock.now(),
  );
  return {
    fromGuildApi: true,
    // The membership as it now stands, not the list's length: a member the list names but who left after it was
    // read stays gone (and one who joined since stays), so the two differ, and the overview counts the former.
    members: await countCurrentMembers(tx, guild.id),
    left: leavers.length,
    // Who joined or left; any written row (a rank too) changes the guild's overview.
    changed: { any: written > 0 || leavers.length > 0, members: [...joiners, ...leavers] },
    deliveries,
  };
}

async function syncGuild(ctx: WorkerContext, payload: GuildSyncPayload, job: Job, token: string | undefined): Promise<GuildSyncResult> {
  const { guild } = payload;
  const em = ctx.orm.em.fork();
  // Tracked from the first attempt on, so the scheduler keeps trying a guild whose first sync failed.
  await upsertGuild(em, guild);
  const roster = await fetchRoster(ctx, guild, job, token);
  const status = roster.kind === 'ok' ? 'ok' : roster.kind === 'not_found' ? 'not_found' : 'partial';

  const { changed, deliveries, ...applied } = await inTransaction(em, async (tx) => {
    const result = await applyMembership(tx, ctx, guild, roster.kind === 'ok' ? roster.members : null);
    await recordGuildSynced(tx, guild.id, status, ctx.clock.now());
    return result;
  });
  // Only what changed: members who joined or left, and the guild's overview if any membership row did.
  // Everyone else's cached views stay hits through the sync (and through the refreshes it fans out).
  await dropMemberResponses(ctx.redis, ctx.keys, guild.id, guild.region, changed.members);
  if (changed.any) await dropGuildResponses(ctx.redis, ctx.keys, [guild.id]);
  await queueDeliveries(ctx.queues, deliveries, ctx.logger);

  // After the commit: a crash between the two leaves members stale, and the re-run enqueues them. Only members
  // never fetched (joiners, a guild seen for the first time) or past FRESHNESS_MAX_AGE: everyone else is the
  // freshness scheduler's, which spends the quota where people read. An operator's resync refreshes every
  // member past CHARACTER_CACHE_TTL, as asked.
  const due = await membersDueForRefresh(em, guild.id, {
    ttlSeconds: payload.reason === 'manual' ? ctx.config.characterCacheTtl : ctx.config.freshness.maxAgeSeconds,
    notFoundSeconds: ctx.config.notFoundCacheTtl,
    now: ctx.clock.now(),
  });
  // A refresh of an earlier sync may finish between this query and the enqueue, too late for deduplication:
  // each job carries the fetch instant the query saw, and ends at once when the stored row has moved past it.
  const refreshes = await enqueueRefreshes(ctx.queues, due, PRIORITY.background, 'sync', ctx.logger);
  return { status, ...applied, refreshes };
}

/**
 * The periodic job: one sync per active tracked guild, each deduplicated against a sync already queued. A guild
 * nobody opened for GUILD_RETIREMENT_DAYS is retired and left out; the api syncs it again when it is next opened.
 */
async function syncAllTracked(ctx: WorkerContext): Promise<{ status: 'ok'; guilds: number; retired: number }> {
  const openings = await guildOpenings(ctx);
  const active = openings.filter((o) => o.active);
  for (const { guild } of active) await guildSyncJob.enqueue(ctx.queues, { guild, reason: 'scheduled' });
  return { status: 'ok', guilds: active.length, retired: openings.length - active.length };
}

// A few guilds at a time: each one fans out many refreshes, which are what the quota is spent on.
export const guildSyncWorker = (): Partial<WorkerOptions> => ({ concurrency: 4, ...SHORT_JOB_LOCKS });

export const guildSyncProcessor: JobProcessor<'guildSync'> = {
  subject: (data) => ({ guildId: data.guild?.id }),
  create: (ctx) => (payload, job, token) => syncGuild(ctx, payload, job, token),
};

export const syncAllTrackedProcessor: JobProcessor<'syncAllTracked'> = {
  create: (ctx) => () => syncAllTracked(ctx),
};
