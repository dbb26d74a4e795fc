import type { RedisClient } from '../redis.js';
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

/** A guild-scoped lookup: the body when cached, and the version a body computed after a miss is stored under. */
export interface GuildRead<T> {
  body: T | undefined;
  /** undefined when Redis did not answer: nothing computed now is stored. */
  version: string | undefined;
}

/** HSET + EXPIRE of the guild hash, only while the guild's version is still the one read before computing. */
const SET_IF_VERSION = `
if (redis.call('GET', KEYS[2]) or '') ~= ARGV[4] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[3])
return 1`;

/**
 * Rendered response bodies. The character view lives under its own key (one per guild that serves it, since it
 * prints the guild's targets) for as long as the projection is fresh; everything about one guild (overview variants, each user's "my characters", membership lookups)
 * sits in one hash, so the worker drops it all with one UNLINK after any write.
 * Every operation fails soft: with Redis down a read is a miss and a write is skipped.
 */
export class ResponseCache {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Keys,
    private readonly metrics: Metrics,
    private readonly clock: Clock,
  ) {}

  async getCharacter<T>(guildId: number, region: string, realm: string, nameKey: string): Promise<T | undefined> {
    const raw = await this.redis.get(this.keys.characterView(guildId, region, realm, nameKey)).catch(() => null);
    return this.count('character', this.unwrap<T>(raw));
  }

  async setCharacter(guildId: number, region: string, realm: string, nameKey: string, body: unknown, ttlSeconds: number): Promise<void> {
    const ttl = Math.floor(ttlSeconds);
    if (ttl < 1) return;
    await this.redis.set(this.keys.characterView(guildId, region, realm, nameKey), this.wrap(body, ttl), 'EX', ttl).catch(() => undefined);
  }

  /** A guild-scoped body; `kind` labels the hit/miss metric, or leaves it alone for internal lookups. */
  /**
   * A guild-scoped body, with the guild's cache version read in the same round trip. On a miss the caller
   * computes the body and hands that version back to `setGuild`: if anything was dropped in between (a webhook,
   * a projection write), the version has moved and the body, computed from data that may predate the drop, is
   * not stored. Without this a read racing an invalidation could cache the old answer for the body's whole life.
   */
  async getGuild<T>(guildId: number, field: string, kind: CacheKind): Promise<GuildRead<T>> {
    const replies = await this.redis
      .multi()
      .hget(this.keys.guildResponses(guildId), field)
      .get(this.keys.guildResponsesVersion(guildId))
      .exec()
      .catch(() => null);
    const raw = replies?.[0]?.[1];
    const version = replies?.[1]?.[1];
    const body = this.count(kind, this.unwrap<T>(typeof raw === 'string' ? raw : null));
    // Without an answer there is no version to compare with: the body computed after this is not stored.
    if (!replies) return { body, version: undefined };
    return { body, version: typeof version === 'string' ? version : '' };
  }

  /** Stores a body computed after `getGuild` missed, unless the guild's cache was dropped since (see there). */
  async setGuild(guildId: number, field: string, body: unknown, ttlSeconds: number, version: string | undefined): Promise<void> {
    if (ttlSeconds <= 0 || version === undefined) return;
    await this.redis
      .eval(
        SET_IF_VERSION,
        2,
        this.keys.guildResponses(guildId),
        this.keys.guildResponsesVersion(guildId),
        field,
        this.wrap(body, ttlSeconds),
        GUILD_HASH_TTL_SECONDS,
        version,
      )
      .catch(() => undefined);
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
