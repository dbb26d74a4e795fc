import type { Context, Middleware } from 'koa';
import { forbidden, invalidInput } from '../../errors.js';
import type { GuildRef } from '../../queue/schemas.js';
import type { ApiDeps } from '../deps.js';
import { guildIdSchema } from '../schemas/common.js';
import type { AccessDecision, Generation } from '../services/guild-access.js';
import { apiTokenOfRequest, checkApiToken, type TokenScopeOf } from './api-token.js';
import { tokenFor, userOf } from './auth.js';

/** Who may use a route, by guild rank: 0 = Guild Master, 1 = Officer, 2+ = members. */
export type AccessLevel = 'member' | 'officer' | 'gm';

export const MAX_RANK: Record<AccessLevel, number> = { member: Number.POSITIVE_INFINITY, officer: 1, gm: 0 };

export interface GuildAccessState {
  guildId: number;
  rankId: number;
  /** guild-api's description of the guild, when it could be read (or was cached). */
  guild: GuildRef | undefined;
}

/** A decision guild-api just gave, left on the request for `rememberAccess` to cache. */
export interface LearnedAccess {
  guildId: number;
  bnetId: number;
  decision: AccessDecision;
  generation: Generation;
}

/**
 * Decides, and only decides: asks guild-api (through the short-lived cache, read-only here) whether the caller
 * may use the tool in the route's guild and checks the route's rank rule. Every refusal uses the route's
 * message, as the original service did, since the frontend shows it. Caching the decision (`rememberAccess`)
 * and tracking the guild (`trackGuild`) are separate steps of the chain.
 */
export function permission(
  deps: Pick<ApiDeps, 'guildAccess'>,
  level: AccessLevel,
  deniedMessage = 'Access denied',
  /** The scope a read-only API token needs here; without one, the route takes no token. */
  tokenScope?: TokenScopeOf,
): Middleware {
  return async (ctx, next) => {
    const parsed = guildIdSchema.safeParse(ctx.params?.guild_id);
    if (!parsed.success) {
      throw invalidInput('Invalid parameter: guild_id', [
        { field: 'guild_id', in: 'path', message: parsed.error.issues[0]?.message ?? 'must be a positive integer' },
      ]);
    }
    const guildId = parsed.data;
    const apiToken = apiTokenOfRequest(ctx);
    if (apiToken) {
      // A token stands for its guild's officers, for reading only: its guild, its scopes, nothing asked of guild-api.
      checkApiToken(ctx, apiToken, guildId, tokenScope, deniedMessage);
      ctx.state.access = { guildId, rankId: 1, guild: undefined } satisfies GuildAccessState;
      return next();
    }
    const bnetId = userOf(ctx).bnetId;
    const decided = await deps.guildAccess.decide(guildId, bnetId, tokenFor(ctx));
    const { decision } = decided;
    if (decided.learned) ctx.state.learnedAccess = { guildId, bnetId, decision, generation: decided.generation } satisfies LearnedAccess;
    if (!decision.allowed) throw forbidden(deniedMessage);
    if (decision.rankId > MAX_RANK[level]) throw forbidden(deniedMessage, 'insufficient_rank');
    const access: GuildAccessState = { guildId, rankId: decision.rankId, guild: undefined };
    ctx.state.access = access;
    await next();
  };
}

/**
 * Caches what guild-api decided for this request, refusals included, once the request is answered (off its
 * critical path, after the response whatever its status). Mounted once, in front of every route.
 */
export function rememberAccess(deps: Pick<ApiDeps, 'guildAccess'>): Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } finally {
      const learned = ctx.state.learnedAccess as LearnedAccess | undefined;
      if (learned) void deps.guildAccess.remember(learned.guildId, learned.bnetId, learned.decision, learned.generation);
    }
  };
}

/**
 * The explicit step that tracks the route's guild: guild-api's view of it (settings and members, kept a minute
 * as a snapshot) for the handler, and, when the snapshot had to be taken, its member list handed to the worker
 * (with a guild sync when the list changed or the guild's last sync is older than GUILD_SYNC_INTERVAL). It also
 * records that the guild was opened, which keeps it active. Comes after `permission`; a route that needs no guild
 * context can leave it out.
 */
export function trackGuild(deps: Pick<ApiDeps, 'guildTracker' | 'demand'>): Middleware {
  return async (ctx, next) => {
    const access = accessOf(ctx);
    // An opened guild stays active (synced, its members refreshed) for GUILD_RETIREMENT_DAYS.
    deps.demand.guildOpened(access.guildId);
    // A read-only API token has no guild-api session: the guild is answered from what is stored.
    if (apiTokenOfRequest(ctx)) return next();
    access.guild = await deps.guildTracker.track(access.guildId, tokenFor(ctx));
    await next();
  };
}

export function accessOf(ctx: Context): GuildAccessState {
  return ctx.state.access as GuildAccessState;
}
