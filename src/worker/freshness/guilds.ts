import { trackedGuildsSince } from '../../db/tables/guilds.js';
import type { GuildRef } from '../../queue/schemas.js';
import type { WorkerContext } from '../context.js';
import { isGuildActive } from './policy.js';

export interface GuildOpening {
  guild: GuildRef;
  /** When the guild was last opened (ms): as the api recorded it, else when it was first tracked. */
  openedAt: number;
  active: boolean;
}

/**
 * Every tracked guild with when it was last opened and whether it is active (opened less than
 * GUILD_RETIREMENT_DAYS ago). A guild the api has recorded no opening for counts as opened when it was first
 * tracked, so a fresh deployment, or a Redis that lost its data, retires nothing that was read since.
 */
export async function guildOpenings(ctx: Pick<WorkerContext, 'orm' | 'redis' | 'keys' | 'clock' | 'config'>): Promise<GuildOpening[]> {
  const guilds = await trackedGuildsSince(ctx.orm.em.fork());
  if (guilds.length === 0) return [];
  const scores = await ctx.redis.zmscore(ctx.keys.guildsOpened(), ...guilds.map((g) => String(g.id)));
  const now = ctx.clock.now().getTime();
  const retirementMs = ctx.config.freshness.retirementDays * 24 * 3600 * 1000;
  return guilds.map(({ trackedAt, ...guild }, i) => {
    const recorded = scores[i];
    const openedAt = recorded === null || recorded === undefined ? trackedAt.getTime() : Number(recorded);
    return { guild, openedAt, active: isGuildActive(openedAt, now, retirementMs) };
  });
}
