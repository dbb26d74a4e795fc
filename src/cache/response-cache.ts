import type { Redis } from 'ioredis';
import type { Clock } from '../clock.js';
import type { Metrics } from '../metrics.js';
import type { Keys } from '../redis.js';

export type CacheKind = 'character' | 'overview' | 'characters';

/**
 * Every cached body carries its own expiry, read against the injected clock: Redis expires whole hashes, not
 * fields, and Redis's own expiry runs on the machine's time, so a body must also be refused once business time
 * has passed its end (a reset came). Redis's expiry is kept as well, so nothing is left behind.
 */
interface CacheEntry {
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
    private readonly clock: Clock,
  ) {}

  async getCharacter<T>(region: string, realm: string, nameKey: string): Promise<T | undefined> {
    const raw = await this.redis.get(this.keys.characterView(region, realm, nameKey)).catch(() => null);
    return this.count('character', this.unwrap<T>(raw));
  }

  async setCharacter(region: string, realm: string, nameKey: string, body: unknown, ttlSeconds: number): Promise<void> {
    const ttl = Math.floor(ttlSeconds);
    if (ttl < 1) return;
    await this.redis.set(this.keys.characterView(region, realm, nameKey), this.wrap(body, ttl), 'EX', ttl).catch(() => undefined);
  }

  /** A guild-scoped body; `kind` labels the hit/miss metric, or leaves it alone for internal lookups. */
  async getGuild<T>(guildId: number, field: string, kind?: CacheKind): Promise<T | undefined> {
    const body = await this.getField<T>(this.keys.guildResponses(guildId), field);
    return kind ? this.count(kind, body) : body;
  }

  setGuild(guildId: number, field: string, body: unknown, ttlSeconds: number): Promise<void> {
    return this.setField(this.keys.guildResponses(guildId), field, body, ttlSeconds);
  }

  /**
   * Which region's character a current member of the guild is, so a cached character view needs no database.
   * Kept apart from the guild's rendered bodies: a gear refresh drops those, and a sync drops only the entries
   * of members who joined or left, so views of everyone else stay cached through both.
   */
  getMemberLookup<T>(guildId: number, field: string): Promise<T | undefined> {
    return this.getField<T>(this.keys.guildMemberLookups(guildId), field);
  }

  setMemberLookup(guildId: number, field: string, body: unknown, ttlSeconds: number): Promise<void> {
    return this.setField(this.keys.guildMemberLookups(guildId), field, body, ttlSeconds);
  }

  /** A field of one of a guild's hashes; each field carries its own expiry, the hash a longer one of its own. */
  private async getField<T>(key: string, field: string): Promise<T | undefined> {
    return this.unwrap<T>(await this.redis.hget(key, field).catch(() => null));
  }

  private async setField(key: string, field: string, body: unknown, ttlSeconds: number): Promise<void> {
    if (ttlSeconds <= 0) return;
    await this.redis
      .multi()
      .hset(key, field, this.wrap(body, ttlSeconds))
      .expire(key, GUILD_HASH_TTL_SECONDS)
      .exec()
      .catch(() => undefined);
  }

  private wrap(body: unknown, ttlSeconds: number): string {
    const entry: CacheEntry = { expiresAt: this.clock.now().getTime() + ttlSeconds * 1000, body };
    return JSON.stringify(entry);
  }

  private unwrap<T>(raw: string | null): T | undefined {
    if (raw === null) return undefined;
    const entry = JSON.parse(raw) as Partial<CacheEntry>;
    return typeof entry.expiresAt === 'number' && entry.expiresAt > this.clock.now().getTime() ? (entry.body as T) : undefined;
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
