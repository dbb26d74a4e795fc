import type { Context, Middleware } from 'koa';
import { forbidden, invalidInput } from '../../errors.js';
import type { GuildRef } from '../../queue/schemas.js';
import type { ApiDeps } from '../deps.js';
import { guildIdSchema } from '../schemas/common.js';
import { tokenFor, userOf } from './auth.js';

/** Who may use a route, by guild rank: 0 = Guild Master, 1 = Officer, 2+ = members. */
export type AccessLevel = 'member' | 'officer' | 'gm';

const MAX_RANK: Record<AccessLevel, number> = { member: Number.POSITIVE_INFINITY, officer: 1, gm: 0 };

export interface GuildAccessState {
  guildId: number;
  rankId: number;
  /** guild-api's description of the guild, when it could be read (or was cached). */
  guild: GuildRef | undefined;
}

/**
 * Asks guild-api (through the short-lived cache) whether the caller may use the tool in the route's guild and
 * checks the route's rank rule. Every refusal uses the route's message, as the original service did, since the
 * frontend shows it. On success the guild is tracked (see GuildTracker) and its description is kept for the handler.
 */
export function permission(deps: ApiDeps, level: AccessLevel, deniedMessage = 'Access denied'): Middleware {
  return async (ctx, next) => {
    const parsed = guildIdSchema.safeParse(ctx.params?.guild_id);
    if (!parsed.success) {
      throw invalidInput('Invalid parameter: guild_id', [
        { field: 'guild_id', in: 'path', message: parsed.error.issues[0]?.message ?? 'must be a positive integer' },
      ]);
    }
    const guildId = parsed.data;
    const token = tokenFor(ctx);
    const decision = await deps.guildAccess.decide(guildId, userOf(ctx).bnetId, token);
    if (!decision.allowed) throw forbidden(deniedMessage);
    if (decision.rankId > MAX_RANK[level]) throw forbidden(deniedMessage, 'insufficient_rank');
    const guild = await deps.guildTracker.track(guildId, token);
    const access: GuildAccessState = { guildId, rankId: decision.rankId, guild };
    ctx.state.access = access;
    await next();
  };
}

export function accessOf(ctx: Context): GuildAccessState {
  return ctx.state.access as GuildAccessState;
}
