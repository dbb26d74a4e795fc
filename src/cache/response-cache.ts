import { createHash, randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { Metrics } from '../metrics.js';
import { defineScript, memberLookupField, scriptCommand, type Keys, type RedisClient, type ScriptCommand } from '../redis.js';

export type CacheKind = 'character' | 'overview' | 'characters';

/**
 * A response body as it goes on the wire: the serialised bytes and their entity tag. Cached bodies are kept in
 * this form, so a hit is written to the socket as stored, with no parsing or serialising of what is only
 * forwarded, and `If-None-Match` can be answered from the tag alone.
 */
export interface StoredBody {
  bytes: Buffer;
  /** A strong validator: `"<base64url SHA-1 of the bytes>"`. */
  etag: string;
}

/** Serialises a JSON body once, for sending and for the cache alike. */
export function storedJson(body: unknown): StoredBody {
  const bytes = Buffer.from(JSON.stringify(body), 'utf8');
  return { bytes, etag: `"${createHash('sha1').update(bytes).digest('base64url')}"` };
}

/**
 * The cached form of a body: one ASCII header line `<expiresAt ms> <etag>` then the body's bytes. Every cached
 * body carries its own expiry, read against the injected clock: Redis expires whole hashes, not fields, and
 * Redis's own expiry runs on the machine's time, so a body must also be refused once business time has passed
 * its end (a reset came). Redis's expiry is kept as well, so nothing is left behind.
 */
export function encodeEntry(body: StoredBody, expiresAt: number): Buffer {
  return Buffer.concat([Buffer.from(entryHeader(body, expiresAt), 'latin1'), body.bytes]);
}

/** An entry's first line, newline included. */
export const entryHeader = (body: StoredBody, expiresAt: number): string => `${expiresAt} ${body.etag}\n`;

/**
 * Every entry is stored with a copy of its header line in a field of its own (this suffix after the entry's
 * field; no entry's field ends so), written by the same HSET. A reader holding a copy of the body compares that
 * short field instead of loading the whole entry into a script: for a 150 KB overview, ~220 µs of Redis's time
 * per read against ~12. A drop removes both fields; one left behind alone is never taken for an entry.
 */
export const TAG_SUFFIX = ' #tag';
export const tagField = (field: string): string => `${field}${TAG_SUFFIX}`;

/**
 * A character view is computed from the database after a miss and stored afterwards. A write about the character
 * in between (a refresh, its activity, a membership change) drops the view before the old body is stored, and the
 * store would then put back what the drop removed, for the body's whole life. So a miss leaves a claim beside the
 * entry's field (this suffix, a token of its own), every drop removes the claim with the entry, and a body is only
 * stored while its claim is still there (`getCharacterView`, `setCharacterView`).
 */
export const CLAIM_SUFFIX = ' #claim';
export const claimField = (field: string): string => `${field}${CLAIM_SUFFIX}`;

/** Every field a cached entry occupies: the entry, its tag and a reader's claim on it. */
export const entryFields = (field: string): [string, string, string] => [field, tagField(field), claimField(field)];

/** The body of a cached entry while it is still valid at `now`; undefined when absent, expired or unreadable. */
export function decodeEntry(raw: Buffer | null | undefined, now: number): StoredBody | undefined {
  const entry = raw ? splitEntry(raw) : undefined;
  return entry && entry.expiresAt > now ? entry.body : undefined;
}

/** A cached entry's parts: where its header line ends (the newline's index), its expiry and its body. */
export function splitEntry(raw: Buffer): { headerEnd: number; expiresAt: number; body: StoredBody } | undefined {
  const end = raw.indexOf(10);
  if (end < 0) return undefined;
  const header = raw.toString('latin1', 0, end);
  const space = header.indexOf(' ');
  const expiresAt = Number(header.slice(0, space));
  if (space < 0 || Number.isNaN(expiresAt)) return undefined;
  return { headerEnd: end, expiresAt, body: { etag: header.slice(space + 1), bytes: raw.subarray(end + 1) } };
}

/** Upper bound on a guild hash's life, so a guild nobody reads any more leaves nothing behind. */
const GUILD_HASH_TTL_SECONDS = 600;
/** How long a character's list of guilds holding its view is kept: longer than any view lives (at most 15 min). */
const VIEW_INDEX_TTL_SECONDS = 3600;

/** A guild-scoped lookup: the body when cached, and the version a body computed after a miss is stored under. */
export interface GuildRead<T> {
  body: T | undefined;
  /** undefined when Redis did not answer: nothing computed now is stored. */
  version: string | undefined;
}

/** Lua: stores the entry ARGV[2] under field ARGV[1] of hash KEYS[1], with its header line in the tag field. */
const HSET_ENTRY = `redis.call('HSET', KEYS[1], ARGV[1], ARGV[2], ARGV[1] .. '${TAG_SUFFIX}', string.sub(ARGV[2], 1, string.find(ARGV[2], '\\n', 1, true)))`;

/**
 * HSET (the entry and its tag) + EXPIRE of a guild hash, only while the guild's version is still the one read before computing. With a
 * user (ARGV[5]) and the members the body lists (ARGV[6…]), the user is noted under each of them in the guild's
 * owners hash (KEYS[3]), in the same step, so a write about one of them finds this body to drop.
 */
const SET_IF_VERSION = `
if (redis.call('GET', KEYS[2]) or '') ~= ARGV[4] then return 0 end
${HSET_ENTRY}
redis.call('EXPIRE', KEYS[1], ARGV[3])
if ARGV[5] then
  for i = 6, #ARGV do
    local users = redis.call('HGET', KEYS[3], ARGV[i])
    if not users then
      redis.call('HSET', KEYS[3], ARGV[i], ARGV[5])
    elseif not string.find(',' .. users .. ',', ',' .. ARGV[5] .. ',', 1, true) then
      redis.call('HSET', KEYS[3], ARGV[i], users .. ',' .. ARGV[5])
    end
  end
  redis.call('EXPIRE', KEYS[3], ARGV[3])
end
return 1`;

/**
 * A member's cached view, or a claim on it. KEYS[1] the guild's member hash; ARGV: the field, the claim's token,
 * the hash's TTL, the time now (ms, business time). The entry is returned while its header's expiry is after now;
 * otherwise the token is left in the claim field and nil is returned.
 */
const VIEW_OR_CLAIM = `
local entry = redis.call('HGET', KEYS[1], ARGV[1])
if entry then
  local expires = tonumber(string.match(entry, '^(%d+) '))
  if expires and expires > tonumber(ARGV[4]) then return entry end
end
redis.call('HSET', KEYS[1], ARGV[1] .. '${CLAIM_SUFFIX}', ARGV[2])
if redis.call('TTL', KEYS[1]) < 0 then redis.call('EXPIRE', KEYS[1], ARGV[3]) end
return false`;

/**
 * Stores a member's view (the entry and its tag) while the claim taken on the miss is still there, then lets the
 * claim go. KEYS[1] the guild's member hash; ARGV: the field, the entry, the hash's TTL, the claim's token.
 */
const STORE_CLAIMED = `
if redis.call('HGET', KEYS[1], ARGV[1] .. '${CLAIM_SUFFIX}') ~= ARGV[4] then return 0 end
${HSET_ENTRY}
redis.call('HDEL', KEYS[1], ARGV[1] .. '${CLAIM_SUFFIX}')
redis.call('EXPIRE', KEYS[1], ARGV[3])
return 1`;

/** A member's view as the cache holds it: the body when valid, else the claim under which to store one. */
export interface CharacterViewRead {
  body: StoredBody | undefined;
  /** undefined on a hit, and when Redis did not answer: then nothing computed now is stored. */
  claim: string | undefined;
}

/** The field of a user's "my characters" in `Keys.guildUserResponses`. */
export const myCharactersField = (bnetId: number): string => `characters:${bnetId}`;

/**
 * Rendered response bodies, kept as the bytes sent. A guild's character views sit in the guild's member hash
 * (`Keys.guildMemberLookups`), one field per member: the field being there is also what says the character is a
 * current member, so a cached view needs no database. The guild's overview variants sit in its response hash and
 * each user's "my characters" in its user hash, both guarded by the guild's version.
 * Every operation fails soft: with Redis down a read is a miss and a write is skipped.
 */
export class ResponseCache {
  private readonly setIfVersion: ScriptCommand;
  private readonly storeClaimed: ScriptCommand;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Keys,
    private readonly metrics: Metrics,
    private readonly clock: Clock,
  ) {
    this.setIfVersion = scriptCommand(redis, 'progressSetIfVersion', 3, SET_IF_VERSION);
    this.storeClaimed = scriptCommand(redis, 'progressStoreClaimedView', 1, STORE_CLAIMED);
    defineScript(redis, 'progressViewOrClaim', 1, VIEW_OR_CLAIM);
  }

  /** A current member's cached view in this guild, or on a miss the claim to store the view computed instead. */
  async getCharacterView(guildId: number, realm: string, nameKey: string): Promise<CharacterViewRead> {
    const claim = randomUUID();
    const client = this.redis as unknown as { progressViewOrClaimBuffer(...args: Array<string | number>): Promise<Buffer | null> };
    const raw = await client
      .progressViewOrClaimBuffer(this.keys.guildMemberLookups(guildId), memberLookupField(realm, nameKey), claim, GUILD_HASH_TTL_SECONDS, this.now())
      .then((entry) => ({ entry }))
      .catch(() => undefined);
    const body = this.count('character', decodeEntry(raw?.entry, this.now()));
    return { body, claim: raw && !raw.entry ? claim : undefined };
  }

  /**
   * Stores a member's view in the guild's member hash, under the claim its miss took (see `CLAIM_SUFFIX`): a view
   * whose claim a drop removed meanwhile is not stored. The guild is first noted under the character
   * (`Keys.characterViewGuilds`), so a write about the character finds every guild's copy to drop.
   */
  async setCharacterView(
    guildId: number,
    region: string,
    realm: string,
    nameKey: string,
    body: StoredBody,
    ttlSeconds: number,
    claim: string | undefined,
  ): Promise<void> {
    const ttl = Math.floor(ttlSeconds);
    if (ttl < 1 || claim === undefined) return;
    const index = this.keys.characterViewGuilds(region, realm, nameKey);
    const field = memberLookupField(realm, nameKey);
    try {
      await this.redis.multi().sadd(index, String(guildId)).expire(index, VIEW_INDEX_TTL_SECONDS).exec();
      await this.storeClaimed([this.keys.guildMemberLookups(guildId)], field, encodeEntry(body, this.now() + ttl * 1000), GUILD_HASH_TTL_SECONDS, claim);
    } catch {
      // Not cached: the next read computes it again.
    }
  }

  /**
   * A guild-scoped body, with the guild's cache version read in the same round trip. On a miss the caller
   * computes the body and hands that version back to `setGuildBody`: if anything was dropped in between (a
   * webhook, a projection write), the version has moved and the body, computed from data that may predate the
   * drop, is not stored. Without this a read racing an invalidation could cache the old answer for the body's
   * whole life.
   */
  async getGuildBody(guildId: number, field: string, kind: CacheKind): Promise<GuildRead<StoredBody>> {
    const replies = await this.redis
      .multi()
      .hgetBuffer(this.hashOf(guildId, field), field)
      .get(this.keys.guildResponsesVersion(guildId))
      .exec()
      .catch(() => null);
    const raw = replies?.[0]?.[1];
    const version = replies?.[1]?.[1];
    const body = this.count(kind, decodeEntry(Buffer.isBuffer(raw) ? raw : null, this.now()));
    // Without an answer there is no version to compare with: the body computed after this is not stored.
    if (!replies) return { body, version: undefined };
    return { body, version: typeof version === 'string' ? version : '' };
  }

  /**
   * Stores a body computed after `getGuildBody` missed, unless the guild's cache was dropped since (see there).
   * `owner` is the user whose "my characters" this is, with the members it lists.
   */
  async setGuildBody(
    guildId: number,
    field: string,
    body: StoredBody,
    ttlSeconds: number,
    version: string | undefined,
    owner?: { bnetId: number; listed: Array<{ realm: string; nameKey: string }> },
  ): Promise<void> {
    if (ttlSeconds <= 0 || version === undefined) return;
    const ownerArgs = owner ? [String(owner.bnetId), ...owner.listed.map((c) => memberLookupField(c.realm, c.nameKey))] : [];
    const keys = [this.hashOf(guildId, field), this.keys.guildResponsesVersion(guildId), this.keys.guildCharacterOwners(guildId)];
    await this.setIfVersion(keys, field, encodeEntry(body, this.now() + ttlSeconds * 1000), GUILD_HASH_TTL_SECONDS, version, ...ownerArgs).catch(
      () => undefined,
    );
  }

  /** A user's "my characters", noted under each character it lists (see `setGuildBody`). */
  async setMyCharacters(
    guildId: number,
    bnetId: number,
    body: unknown,
    listed: Array<{ realm: string; nameKey: string }>,
    ttlSeconds: number,
    version: string | undefined,
  ): Promise<void> {
    if (ttlSeconds <= 0 || version === undefined) return;
    await this.setGuildBody(guildId, myCharactersField(bnetId), storedJson(body), ttlSeconds, version, { bnetId, listed });
  }

  /** Each user's "my characters" in its own hash, apart from the overviews (see `Keys.guildUserResponses`). */
  private hashOf(guildId: number, field: string): string {
    return field.startsWith('characters:') ? this.keys.guildUserResponses(guildId) : this.keys.guildResponses(guildId);
  }

  /** `getGuildBody` for a caller that needs the value itself, not only its bytes. */
  async getGuild<T>(guildId: number, field: string, kind: CacheKind): Promise<GuildRead<T>> {
    const read = await this.getGuildBody(guildId, field, kind);
    return { body: read.body && (JSON.parse(read.body.bytes.toString('utf8')) as T), version: read.version };
  }

  async setGuild(guildId: number, field: string, body: unknown, ttlSeconds: number, version: string | undefined): Promise<void> {
    if (ttlSeconds <= 0 || version === undefined) return;
    await this.setGuildBody(guildId, field, storedJson(body), ttlSeconds, version);
  }

  /** A read that could not even look in the cache (the key was unknown) still counts as a miss. */
  countMiss(kind: CacheKind): void {
    this.metrics.cacheMisses.inc({ kind });
  }

  /** A hit served without going through this class (the api's one-round-trip cached read). */
  countHit(kind: CacheKind): void {
    this.metrics.cacheHits.inc({ kind });
  }

  now(): number {
    return this.clock.now().getTime();
  }

  private count<T>(kind: CacheKind, body: T | undefined): T | undefined {
    (body === undefined ? this.metrics.cacheMisses : this.metrics.cacheHits).inc({ kind });
    return body;
  }
}
