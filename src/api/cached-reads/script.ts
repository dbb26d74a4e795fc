import { TAG_SUFFIX } from '../../cache/response-cache.js';
import { defineScript, type RedisClient } from '../../redis.js';
import { GUILD_FIELD } from '../services/guild-tracker.js';
import { RATE_LIMIT_WINDOW_SECONDS } from '../middleware/rate-limit.js';
import type { Plan } from './plan.js';

/**
 * The rate limiter's step, as rate-limiter-flexible's RateLimiterRedis runs it (same counter, same window), so
 * both paths share one budget. KEYS[1] the counter; ARGV[1] the window in seconds. Leaves `consumed`, `ttl`.
 */
const RATE_LIMIT_STEP = `
redis.call('set', KEYS[1], 0, 'EX', ARGV[1], 'NX')
local consumed = redis.call('incrby', KEYS[1], 1)
local ttl = redis.call('pttl', KEYS[1])
if ttl == -1 then
  redis.call('expire', KEYS[1], ARGV[1])
  ttl = 1000 * ARGV[1]
end`;

/**
 * Everything a cached read needs about one guild: the caller's cached permission, guild-api's snapshot of the
 * guild and the cached body. KEYS[o] permission, KEYS[o+1] snapshot, KEYS[o+2] the hash holding the body;
 * ARGV[2] the body's field, or '' when it depends on the guild's realm: then ARGV[3] .. realm .. ARGV[4].
 * ARGV[5] is the header line of the copy the api already holds ('' for none): when the entry is there and its tag
 * field (written with it, see `TAG_SUFFIX`) still says that line, the body is neither loaded nor sent and the reply
 * says 1 instead.
 * All three keys are about one guild, so under Redis Cluster they share its hash tag and slot.
 */
const readStep = (o: number) => `
local perm = redis.call('GET', KEYS[${o}])
local guild = redis.call('HGET', KEYS[${o + 1}], '${GUILD_FIELD}')
local field = ARGV[2]
if field == '' and guild then
  local ok, g = pcall(cjson.decode, guild)
  if ok and type(g) == 'table' and type(g.realm) == 'string' then field = ARGV[3] .. g.realm .. ARGV[4] end
end
local body = false
if field ~= '' then
  if ARGV[5] ~= '' and redis.call('HGET', KEYS[${o + 2}], field .. '${TAG_SUFFIX}') == ARGV[5] and redis.call('HEXISTS', KEYS[${o + 2}], field) == 1 then
    body = 1
  else
    body = redis.call('HGET', KEYS[${o + 2}], field)
  end
end`;

/** One round trip on a single Redis: rate limit, permission, snapshot and body. */
const COMBINED = `${RATE_LIMIT_STEP}\n${readStep(2)}\nreturn {consumed, ttl, perm, guild, body}`;
/** Under Redis Cluster the counter lives in its own slot: its step and the guild's step go as two commands. */
const RATE_LIMIT_ONLY = `${RATE_LIMIT_STEP}\nreturn {consumed, ttl}`;
const READ_ONLY = `${readStep(1)}\nreturn {perm, guild, body}`;

/** The body's reply: the stored entry, 1 when it still is the copy held, null when there is none. */
export type Reply = Buffer | number | null;

/** What the script answers, in order: the counter, its time left (ms), the decision, the snapshot, the body. */
export type Replies = [consumed: Reply, ttl: Reply, perm: Reply, guild: Reply, body: Reply];

interface ScriptClient {
  progressCachedReadBuffer(...args: Array<string | number>): Promise<Replies>;
  progressRateLimitStepBuffer(...args: Array<string | number>): Promise<[Reply, Reply]>;
  progressGuildReadBuffer(...args: Array<string | number>): Promise<[Reply, Reply, Reply]>;
}

interface Pending {
  args: Array<string | number>;
  resolve: (replies: Replies) => void;
  reject: (error: unknown) => void;
}

type Pipeline = ScriptClient & { exec(): Promise<Array<[Error | null, unknown]> | null> };

/**
 * The one round trip of a cached read (two commands at once under Redis Cluster, where the counter has its own
 * slot). On a single Redis, the reads that arrive while the api handles one batch of ready sockets go out
 * together at the end of it (`setImmediate`), as one pipeline: one write for Redis to read and one reply to
 * parse instead of one of each per request. Each read is still its own script, with its own point and answer.
 */
export function cachedReadScript(redis: RedisClient) {
  const client = redis as unknown as ScriptClient;
  defineScript(redis, 'progressCachedRead', 4, COMBINED);
  defineScript(redis, 'progressRateLimitStep', 1, RATE_LIMIT_ONLY);
  defineScript(redis, 'progressGuildRead', 3, READ_ONLY);
  let pending: Pending[] = [];

  const flush = () => {
    const batch = pending;
    pending = [];
    if (batch.length === 1) {
      const [one] = batch as [Pending];
      client.progressCachedReadBuffer(...one.args).then(one.resolve, one.reject);
      return;
    }
    const pipeline = redis.pipeline() as unknown as Pipeline;
    for (const { args } of batch) pipeline.progressCachedReadBuffer(...args);
    pipeline.exec().then(
      (results) =>
        batch.forEach((one, i) => {
          const [error, replies] = results?.[i] ?? [new Error('no reply from Redis'), undefined];
          if (error) one.reject(error);
          else one.resolve(replies as Replies);
        }),
      (error: unknown) => batch.forEach((one) => one.reject(error)),
    );
  };

  return async (plan: Plan, counter: string, permission: string, snapshot: string, heldHeader: string): Promise<Replies> => {
    const args = [RATE_LIMIT_WINDOW_SECONDS, plan.field, ...plan.fieldParts, heldHeader];
    if (redis.isCluster) {
      const [limit, read] = await Promise.all([
        client.progressRateLimitStepBuffer(counter, RATE_LIMIT_WINDOW_SECONDS),
        client.progressGuildReadBuffer(permission, snapshot, plan.hash, ...args),
      ]);
      return [...limit, ...read];
    }
    return new Promise<Replies>((resolve, reject) => {
      pending.push({ args: [counter, permission, snapshot, plan.hash, ...args], resolve, reject });
      if (pending.length === 1) setImmediate(flush);
    });
  };
}
