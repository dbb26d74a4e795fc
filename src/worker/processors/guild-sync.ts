import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import { dropGuildResponses } from '../../cache/invalidate.js';
import { recordGuildSynced, recordGuildSyncError, trackedGuilds, upsertGuild } from '../../db/projections/guilds.js';
import { markLeavers, memberKey, membersDueForRefresh, upsertCharacters, upsertMemberships } from '../../db/projections/members.js';
import { PRIORITY } from '../../queue/character-refresh.js';
import { enqueueGuildSync, guildSyncPayloadSchema, SYNC_ALL_JOB, type GuildSyncPayload } from '../../queue/guild-sync.js';
import { QUEUE_NAMES } from '../../queue/names.js';
import type { GuildRosterMember } from '../../upstream/blizzard/client.js';
import type { WorkerContext } from '../context.js';
import { enqueueRefreshes } from '../fan-out.js';
import { runLogged } from '../job-log.js';
import { maxLevelMembers, mergeRosters } from '../roster-merge.js';
import { jobPayload, SHORT_JOB_LOCKS } from './payload.js';
import type { ProcessorModule } from './index.js';

export interface GuildSyncResult {
  status: 'ok' | 'partial' | 'not_found';
  members: number;
  left: number;
  refreshes: number;
}

/**
 * Battle.net's roster, or null when it cannot be had and guild-api's members will do on their own.
 * A 429 delays the whole sync (without using an attempt): a sync from one source only is a last resort.
 */
async function fetchRoster(ctx: WorkerContext, payload: GuildSyncPayload, job: Job, token: string | undefined): Promise<GuildRosterMember[] | null | 'not_found'> {
  const { guild } = payload;
  const roster = await ctx.blizzard.getGuildRoster(guild.region, guild.realm, guild.name);
  switch (roster.kind) {
    case 'ok':
      return maxLevelMembers(roster.data.members);
    case 'rate_limited':
      await job.moveToDelayed(Date.now() + Math.ceil(roster.retryAfterMs), token);
      throw new DelayedError();
    case 'not_found':
      return payload.members ? null : 'not_found';
    case 'not_modified':
      throw new Error('Battle.net answered 304 to a roster request sent without validators');
    case 'unavailable':
    case 'bad_data': {
      if (payload.members) {
        ctx.logger.warn({ guildId: guild.id, reason: roster.reason }, 'Battle.net roster unavailable; syncing from guild-api members only');
        return null;
      }
      await recordGuildSyncError(ctx.orm.em.fork(), guild.id, roster.reason);
      const message = `Battle.net roster of guild ${guild.id} (${guild.name}-${guild.realm}): ${roster.reason}`;
      throw roster.kind === 'bad_data' ? new UnrecoverableError(message) : new Error(message);
    }
  }
}

async function syncGuild(ctx: WorkerContext, payload: GuildSyncPayload, job: Job, token: string | undefined): Promise<GuildSyncResult> {
  const { guild } = payload;
  const em = ctx.orm.em.fork();
  // Tracked from the first attempt on, so the scheduler keeps trying a guild whose first sync failed.
  await upsertGuild(em, guild);
  const roster = await fetchRoster(ctx, payload, job, token);
  if (roster === 'not_found') {
    // An unknown guild on Battle.net proves nothing about its members: they are left as they are.
    await recordGuildSynced(em, guild.id, 'not_found');
    return { status: 'not_found', members: 0, left: 0, refreshes: 0 };
  }
  const members = mergeRosters(guild, roster, payload.members);
  const sources = { battleNet: roster !== null, guildApi: payload.members !== undefined };
  const status = sources.battleNet ? 'ok' : 'partial';

  const left = await em.transactional(async (tx) => {
    const ids = await upsertCharacters(tx, guild.region, members);
    const ranks = members.flatMap((m) => {
      const characterId = ids.get(memberKey(m.realm, m.nameKey));
      return characterId === undefined ? [] : [{ characterId, ownerBnetId: m.ownerBnetId, rankId: m.rankId, rankName: m.rankName }];
    });
    await upsertMemberships(tx, guild.id, ranks);
    // guild-api's list, when given, is the whole membership; a roster alone only vouches for unowned members.
    const authority = { guildApi: sources.guildApi, battleNet: sources.battleNet || sources.guildApi };
    const leavers = await markLeavers(tx, guild.id, ranks.map((r) => r.characterId), authority);
    await recordGuildSynced(tx, guild.id, status);
    return leavers.length;
  });
  await dropGuildResponses(ctx.redis, ctx.keys, [guild.id]);

  // After the commit: a crash between the two leaves members stale, and the re-run enqueues them.
  const due = await membersDueForRefresh(em, guild.id, ctx.config.characterCacheTtl);
  const refreshes = await enqueueRefreshes(ctx.queues.characterRefresh, due, PRIORITY.background, 'sync', ctx.logger);
  return { status, members: members.length, left, refreshes };
}

/** The scheduler's job: one sync per tracked guild, each deduplicated against a sync already queued. */
async function syncAllTracked(ctx: WorkerContext): Promise<{ status: 'ok'; guilds: number }> {
  const guilds = await trackedGuilds(ctx.orm.em.fork());
  for (const guild of guilds) await enqueueGuildSync(ctx.queues.guildSync, { guild, reason: 'scheduled' });
  return { status: 'ok', guilds: guilds.length };
}

export const guildSyncProcessor: ProcessorModule = {
  queue: QUEUE_NAMES.guildSync,
  // A few guilds at a time: each one fans out many refreshes, which are what the quota is spent on.
  options: () => ({ concurrency: 4, ...SHORT_JOB_LOCKS }),
  create: (ctx) => (job: Job, token?: string) => {
    if (job.name === SYNC_ALL_JOB) return runLogged(ctx, job, {}, () => syncAllTracked(ctx));
    const guildId = (job.data as Partial<GuildSyncPayload> | undefined)?.guild?.id;
    return runLogged(ctx, job, { guildId }, () => syncGuild(ctx, jobPayload(guildSyncPayloadSchema, job), job, token));
  },
};
