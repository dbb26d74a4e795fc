import type { RedisClient } from '../../redis.js';
import { rememberPermissionKey } from '../../cache/invalidate.js';
import { serviceUnavailable } from '../../errors.js';
import type { Logger } from '../../logger.js';
import { isRedisUp, type Keys } from '../../redis.js';
import type { GuildApiClient } from '../../upstream/guild-api/client.js';
import { SingleFlight } from './single-flight.js';

/** What guild-api said about one user in one guild: may they use the tool, and at which rank. */
export type AccessDecision = { allowed: true; rankId: number } | { allowed: false };

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
   * returned with `learned: true` for the caller to `remember` once the request has its answer.
   */
  async decide(guildId: number, bnetId: number, token: string): Promise<{ decision: AccessDecision; learned: boolean }> {
    const { redis, keys } = this.options;
    if (isRedisUp(redis)) {
      const cached = await redis.get(keys.permission(guildId, bnetId)).catch(() => null);
      const decision = cached === null ? undefined : parseDecision(cached);
      if (decision) return { decision, learned: false };
    }
    const decision = await this.flight.run(`${guildId}:${bnetId}`, async () => {
      const answer = await this.options.guildApi.checkPermission(guildId, bnetId, token);
      if (answer.kind === 'unavailable') {
        this.options.logger.warn({ guildId, reason: answer.reason }, 'guild-api permission check failed');
        throw serviceUnavailable('guild_api_unavailable', 'guild-api is unavailable, try again shortly', 5);
      }
      return answer.kind === 'allowed' ? { allowed: true, rankId: answer.rankId } : { allowed: false };
    });
    return { decision, learned: true };
  }

  /** Caches a decision guild-api gave; never throws (not cached, the next request asks guild-api again). */
  async remember(guildId: number, bnetId: number, decision: AccessDecision): Promise<void> {
    const { redis, keys, ttlSeconds } = this.options;
    if (!isRedisUp(redis)) return;
    const key = keys.permission(guildId, bnetId);
    try {
      await redis.set(key, JSON.stringify(decision), 'EX', ttlSeconds);
      // Indexed under the user, so a webhook about the user can drop every guild's decision at once.
      await rememberPermissionKey(redis, keys, bnetId, key, ttlSeconds);
    } catch {
      // Not cached: the next request asks guild-api again.
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
