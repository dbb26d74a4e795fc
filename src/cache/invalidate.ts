import type { ChainableCommander } from 'ioredis';
import type { RedisClient } from '../redis.js';
import { memberLookupField, scriptCommand, type Keys } from '../redis.js';
import { CLAIM_SUFFIX, TAG_SUFFIX, entryFields } from './response-cache.js';

/**
 * Cache invalidation shared by the worker (after it writes a projection) and the api (webhooks).
 * Failures are swallowed: every cached entry also has a TTL, so a missed drop only delays freshness.
 */
export async function dropCharacterResponses(
  redis: RedisClient,
  keys: Keys,
  character: { region: string; realm: string; nameKey: string },
  guildIds: number[],
): Promise<void> {
  // Every guild holding a copy of the view, including guilds the writer did not name (an error path names only
  // the guild that asked).
  const index = keys.characterViewGuilds(character.region, character.realm, character.nameKey);
  const holders = (await redis.smembers(index).catch(() => [] as string[])).map(Number).filter(Number.isSafeInteger);
  const field = memberLookupField(character.realm, character.nameKey);
  const named = new Set(guildIds);
  const dropCharacter = scriptCommand(redis, 'progressDropCharacter', 5, DROP_CHARACTER);
  // One command per guild: each guild's keys share a slot, two guilds' keys need not (Redis Cluster).
  await Promise.all(
    [...new Set([...guildIds, ...holders])].map((id) => {
      if (!named.has(id)) return redis.hdel(keys.guildMemberLookups(id), ...entryFields(field)).catch(() => undefined);
      const guildKeys = [
        keys.guildMemberLookups(id),
        keys.guildResponsesVersion(id),
        keys.guildResponses(id),
        keys.guildUserResponses(id),
        keys.guildCharacterOwners(id),
      ];
      return dropCharacter(guildKeys, field, VERSION_TTL_SECONDS).catch(() => undefined);
    }),
  );
}

/** How long a guild's cache version is kept: longer than any body it guards (a body lives at most a week). */
const VERSION_TTL_SECONDS = 8 * 24 * 3600;

/**
 * What one character's write changes in one guild, and nothing more: its view, every overview (each may list
 * it, and the counts move), and the "my characters" of the users whose cached body lists it (the owners hash
 * says who). Every other user's "my characters" and every other member's view stay. The version moves, so a
 * body computed before this is not stored after it.
 * KEYS: member hash, version, overviews, users' bodies, owners; ARGV: the member's field, the version's TTL.
 * Each body's tag field (`TAG_SUFFIX`) goes with it, and the view's claim (`CLAIM_SUFFIX`), so a view computed
 * before this write is not stored after it.
 */
const DROP_CHARACTER = `
redis.call('HDEL', KEYS[1], ARGV[1], ARGV[1] .. '${TAG_SUFFIX}', ARGV[1] .. '${CLAIM_SUFFIX}')
redis.call('INCR', KEYS[2])
redis.call('EXPIRE', KEYS[2], ARGV[2])
redis.call('UNLINK', KEYS[3])
local users = redis.call('HGET', KEYS[5], ARGV[1])
if users then
  for id in string.gmatch(users, '[^,]+') do redis.call('HDEL', KEYS[4], 'characters:' .. id, 'characters:' .. id .. '${TAG_SUFFIX}') end
end
return 1`;

/**
 * Drops a guild's rendered bodies (overviews and every user's "my characters") and moves its version, so a read
 * that began before the drop stores nothing.
 */
function bumpGuildResponses(multi: ChainableCommander, keys: Keys, guildId: number): void {
  moveCounter(multi, keys.guildResponsesVersion(guildId), VERSION_TTL_SECONDS);
  multi.unlink(keys.guildResponses(guildId), keys.guildUserResponses(guildId), keys.guildCharacterOwners(guildId));
}

/**
 * Moves a version or generation counter, which a reader compares before storing what it read (see the callers),
 * and keeps it for `ttlSeconds`: longer than any such read lasts.
 */
function moveCounter(multi: ChainableCommander, key: string, ttlSeconds: number): ChainableCommander {
  return multi.incr(key).expire(key, ttlSeconds);
}

/** How long a permission or snapshot generation is kept: longer than any guild-api answer takes to arrive. */
const GENERATION_TTL_SECONDS = 600;

/**
 * A guild sync or membership event changed these members (joined, left): their cached views in this guild go
 * (the view is also what says they are members); every other member's stay. `region` is the guild's.
 */
export async function dropMemberResponses(
  redis: RedisClient,
  keys: Keys,
  guildId: number,
  region: string,
  members: ReadonlyArray<{ realm: string; nameKey: string }>,
): Promise<void> {
  if (members.length === 0) return;
  const fields = members.flatMap((m) => entryFields(memberLookupField(m.realm, m.nameKey)));
  await redis.hdel(keys.guildMemberLookups(guildId), ...fields).catch(() => undefined);
}

/** The guild's rendered bodies (overviews, each user's "my characters"); membership lookups are left alone. */
export async function dropGuildResponses(redis: RedisClient, keys: Keys, guildIds: number[]): Promise<void> {
  await Promise.all(
    guildIds.map((id) => {
      const drop = redis.multi();
      bumpGuildResponses(drop, keys, id);
      return drop.exec().catch(() => undefined);
    }),
  );
}

/**
 * The guild's targets changed (its own plan was saved): every body that printed one goes, the guild's character
 * views (its member hash) included.
 */
export async function dropGuildTargets(redis: RedisClient, keys: Keys, guildId: number): Promise<void> {
  const drop = redis.multi().unlink(keys.guildMemberLookups(guildId));
  bumpGuildResponses(drop, keys, guildId);
  await drop.exec().catch(() => undefined);
}

/** Remembers a cached permission under its user, so every permission of that user can be dropped at once. */
export async function rememberPermissionKey(redis: RedisClient, keys: Keys, bnetId: number, key: string, ttlSeconds: number): Promise<void> {
  const index = keys.userPermissions(bnetId);
  await redis.multi().sadd(index, key).expire(index, ttlSeconds * 2).exec();
}

/**
 * Drops a user's cached permission for one guild, or for every guild when guildId is omitted. The user's
 * permission generation moves first, so a decision guild-api gave before this and not stored yet is not kept.
 */
export async function dropPermissions(redis: RedisClient, keys: Keys, bnetId: number, guildId?: number): Promise<void> {
  await moveCounter(redis.multi(), keys.userPermissionGeneration(bnetId), GENERATION_TTL_SECONDS).exec().catch(() => undefined);
  if (guildId !== undefined) {
    await redis.unlink(keys.permission(guildId, bnetId)).catch(() => undefined);
    return;
  }
  const index = keys.userPermissions(bnetId);
  const members = await redis.smembers(index).catch(() => [] as string[]);
  // The permissions sit in their guilds' slots, the index in the user's: one UNLINK each (Redis Cluster).
  await Promise.all([index, ...members].map((key) => redis.unlink(key).catch(() => undefined)));
}

/**
 * Drops what the api cached from guild-api about a guild (settings and members), and moves the snapshot's
 * generation so a snapshot being taken now, from answers that may predate the change, is not stored
 * (`GuildTracker`).
 */
export async function dropGuildApiSnapshot(redis: RedisClient, keys: Keys, guildId: number): Promise<void> {
  await moveCounter(redis.multi(), keys.guildApiSnapshotGeneration(guildId), GENERATION_TTL_SECONDS)
    .unlink(keys.guildApiSnapshot(guildId))
    .exec()
    .catch(() => undefined);
}
