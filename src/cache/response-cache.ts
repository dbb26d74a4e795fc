import type { Redis } from 'ioredis';
import type { Metrics } from '../metrics.js';
import type { Keys } from '../redis.js';

export type CacheKind = 'character' | 'overview' | 'characters';

/** A cached body inside a guild hash carries its own expiry: Redis expires whole hashes, not fields. */
interface GuildEntry {
  expiresAt: number;
  body: unknown;
}

/** Upper bound on a guild hash's life, so a guild nobody reads any more leaves nothing behind. */
const GUILD_HASH_TTL_SECONDS = 600;

/**
 * Rendered response bodies. The character view lives under its own key for as long as the projection is
 * fresh; everything about one guild (overview variants, each user's "my characters", membership lookups)
 * sits in one hash, so the worker drops it all with one UNLINK after any write.
 * Every operation fails soft: with Redis down a read is a miss and a write is skipped.
 */
export class ResponseCache {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly metrics: Metrics,
  ) {}

  async getCharacter<T>(region: string, realm: string, nameKey: string): Promise<T | undefined> {
    const raw = await this.redis.get(this.keys.characterView(region, realm, nameKey)).catch(() => null);
    return this.count('character', raw === null ? undefined : (JSON.parse(raw) as T));
  }

  async setCharacter(region: string, realm: string, nameKey: string, body: unknown, ttlSeconds: number): Promise<void> {
    const ttl = Math.floor(ttlSeconds);
    if (ttl < 1) return;
    await this.redis.set(this.keys.characterView(region, realm, nameKey), JSON.stringify(body), 'EX', ttl).catch(() => undefined);
  }

  /** A guild-scoped body; `kind` labels the hit/miss metric, or leaves it alone for internal lookups. */
  async getGuild<T>(guildId: number, field: string, kind?: CacheKind): Promise<T | undefined> {
    const raw = await this.redis.hget(this.keys.guildResponses(guildId), field).catch(() => null);
    let body: T | undefined;
    if (raw !== null) {
      const entry = JSON.parse(raw) as GuildEntry;
      if (entry.expiresAt > Date.now()) body = entry.body as T;
    }
    return kind ? this.count(kind, body) : body;
  }

  async setGuild(guildId: number, field: string, body: unknown, ttlSeconds: number): Promise<void> {
    if (ttlSeconds <= 0) return;
    const key = this.keys.guildResponses(guildId);
    const entry: GuildEntry = { expiresAt: Date.now() + ttlSeconds * 1000, body };
    await this.redis
      .multi()
      .hset(key, field, JSON.stringify(entry))
      .expire(key, GUILD_HASH_TTL_SECONDS)
      .exec()
      .catch(() => undefined);
  }

  /** A read that could not even look in the cache (the key was unknown) still counts as a miss. */
  countMiss(kind: CacheKind): void {
    this.metrics.cacheMisses.inc({ kind });
  }

  private count<T>(kind: CacheKind, body: T | undefined): T | undefined {
    (body === undefined ? this.metrics.cacheMisses : this.metrics.cacheHits).inc({ kind });
    return body;
  }
}
