import type { RedisClient } from '../../redis.js';
import { rememberPermissionKey } from '../../cache/invalidate.js';
import { serviceUnavailable } from '../../errors.js';
import type { Logger } from '../../logger.js';
import { isRedisUp, type Keys } from '../../redis.js';
import type { GuildApiClient } from '../../upstream/guild-api/client.js';
import { SingleFlight } from './single-flight.js';

/** What guild-api said about one user in one guild: may they use the tool, and at which rank. */
export type AccessDecision = { allowed: true; rankId: number } | { allowed: false };

/** The user's permission generation as read before asking guild-api: null when never moved, undefined when unread. */
export type Generation = string | null | undefined;

export type Decided = { decision: AccessDecision; learned: false } | { decision: AccessDecision; learned: true; generation: Generation };

export interface GuildAccessOptions {
  redis: RedisClient;
  keys: Keys;
  guildApi: GuildApiClient;
  logger: Logger;
  ttlSeconds: number;
}

/**
 * Permission decisions, asked of guild-api and cached in Redis for a short time (never above a minute, so a
 * missed webhook cannot keep a removed officer in for long). A failure never grants access: with guild-api
 * unreachable and nothing cached, the caller gets 503. With Redis down every request asks guild-api directly.
 */
export class GuildAccess {
  private readonly flight = new SingleFlight<AccessDecision>();

  constructor(private readonly options: GuildAccessOptions) {}

  /**
   * The decision, from the cache or from guild-api. Read-only on Redis: a decision learned from guild-api is
   * returned with `learned: true`, and the user's permission generation read before asking, for the caller to
   * `remember` once the request has its answer.
   */
  async decide(guildId: number, bnetId: number, token: string): Promise<Decided> {
    const { redis, keys } = this.options;
    let generation: Generation;
    if (isRedisUp(redis)) {
      const cached = await redis.get(keys.permission(guildId, bnetId)).catch(() => null);
      const decision = cached === null ? undefined : parseDecision(cached);
      if (decision) return { decision, learned: false };
      generation = await redis.get(keys.userPermissionGeneration(bnetId)).catch(() => undefined);
    }
    const decision = await this.flight.run(`${guildId}:${bnetId}`, async () => {
      const answer = await this.options.guildApi.checkPermission(guildId, bnetId, token);
      if (answer.kind === 'unavailable') {
        this.options.logger.warn({ guildId, reason: answer.reason }, 'guild-api permission check failed');
        throw serviceUnavailable('guild_api_unavailable', 'guild-api is unavailable, try again shortly', 5);
      }
      return answer.kind === 'allowed' ? { allowed: true, rankId: answer.rankId } : { allowed: false };
    });
    return { decision, learned: true, generation };
  }

  /**
   * Caches a decision guild-api gave, unless a webhook dropped the user's permissions since `decide` read the
   * generation: guild-api may have answered before the change the webhook announced, and keeping that answer
   * would let a demoted officer in until it expired. The decision is stored first and the generation read after:
   * a drop that moved it before that read is seen and the decision deleted again, and a drop that moves it later
   * deletes the decision itself. Never throws (not cached, the next request asks guild-api again).
   */
  async remember(guildId: number, bnetId: number, decision: AccessDecision, generation: Generation): Promise<void> {
    const { redis, keys, ttlSeconds } = this.options;
    if (!isRedisUp(redis) || generation === undefined) return;
    const key = keys.permission(guildId, bnetId);
    try {
      await redis.set(key, JSON.stringify(decision), 'EX', ttlSeconds);
      // Indexed under the user, so a webhook about the user can drop every guild's decision at once.
      await rememberPermissionKey(redis, keys, bnetId, key, ttlSeconds);
      if ((await redis.get(keys.userPermissionGeneration(bnetId))) !== generation) await redis.unlink(key);
    } catch {
      // Not cached (or, if only the last step failed, cached as guild-api said: it lives at most ttlSeconds).
    }
  }
}

export function parseDecision(raw: string): AccessDecision | undefined {
  try {
    const value = JSON.parse(raw) as { allowed?: unknown; rankId?: unknown };
    if (value.allowed === true && Number.isInteger(value.rankId)) return { allowed: true, rankId: value.rankId as number };
    if (value.allowed === false) return { allowed: false };
  } catch {
    // A value we cannot read is treated as absent.
  }
  return undefined;
}
