import { createHash, randomBytes } from 'node:crypto';
import { findApiTokenByHash, touchApiToken, type ApiTokenRecord } from '../../db/tables/api-tokens.js';
import type { Keys, RedisClient } from '../../redis.js';
import type { ApiDeps } from '../deps.js';
import { fromDatabase } from './read-model.js';

/** Every read-only API token starts with this, so it is told apart from guild-api's JWTs before anything else. */
export const API_TOKEN_PREFIX = 'pat_';
/** `pat_` and 32 random bytes in base64url (43 characters). */
const API_TOKEN_SHAPE = /^pat_[A-Za-z0-9_-]{43}$/;
/** A use is recorded at most this often per token (last_used_at is minute-grained). */
const USE_RECORD_SECONDS = 60;

/** A new token: shown once to its creator, never stored (only its hash is). */
export function newApiToken(): { token: string; hash: string } {
  const token = `${API_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  return { token, hash: apiTokenHash(token) };
}

/**
 * SHA-256 of the token. A token carries 256 random bits, so a fast hash is enough: there is nothing to guess
 * from a leaked hash, and a slow one would cost every request.
 */
export const apiTokenHash = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

/**
 * The live token a request carries, or undefined for anything that is not one (a malformed, unknown or revoked
 * token). Read from the database on every request, so a revoked token is refused at once.
 */
export async function resolveApiToken(deps: Pick<ApiDeps, 'orm' | 'logger'>, token: string): Promise<ApiTokenRecord | undefined> {
  if (!API_TOKEN_SHAPE.test(token)) return undefined;
  return fromDatabase(deps.logger, () => findApiTokenByHash(deps.orm, apiTokenHash(token)));
}

/**
 * Records that a token was used, at most once a minute per token across replicas (a Redis key set for a minute
 * decides which request writes). Off the request's path; a failure only leaves last_used_at a little older.
 */
export function recordApiTokenUse(deps: Pick<ApiDeps, 'orm' | 'clock'> & { redis: RedisClient; keys: Keys }, token: ApiTokenRecord): void {
  const key = deps.keys.apiTokenUse(token.guildId, token.id);
  void deps.redis
    .set(key, '1', 'EX', USE_RECORD_SECONDS, 'NX')
    .then((set) => (set === 'OK' ? touchApiToken(deps.orm, token.id, deps.clock.now()) : undefined))
    .catch(() => undefined);
}
