import type { Context, Middleware } from 'koa';
import { decodeEntry, type CacheKind } from '../../cache/response-cache.js';
import { nameKey } from '../../queue/schemas.js';
import { isRedisUp, memberLookupField, type RedisClient } from '../../redis.js';
import type { ApiDeps } from '../deps.js';
import { identify } from '../middleware/auth.js';
import { MAX_RANK, type AccessLevel } from '../middleware/permission.js';
import { applyConsumed, RATE_LIMIT_WINDOW_SECONDS, rateLimitCounterKey, type ConsumedPoint } from '../middleware/rate-limit.js';
import { characterParams, characterQuery } from '../schemas/characters.js';
import { membersQuery } from '../schemas/members.js';
import { sendStored } from '../send-stored.js';
import { parseDecision } from '../services/guild-access.js';
import { GUILD_FIELD } from '../services/guild-tracker.js';
import { overviewField } from '../services/overview.js';

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
if field ~= '' then body = redis.call('HGET', KEYS[${o + 2}], field) end`;

/** One round trip on a single Redis: rate limit, permission, snapshot and body. */
const COMBINED = `${RATE_LIMIT_STEP}\n${readStep(2)}\nreturn {consumed, ttl, perm, guild, body}`;
/** Under Redis Cluster the counter lives in its own slot: its step and the guild's step go as two commands. */
const RATE_LIMIT_ONLY = `${RATE_LIMIT_STEP}\nreturn {consumed, ttl}`;
const READ_ONLY = `${readStep(1)}\nreturn {perm, guild, body}`;

type Reply = Buffer | number | null;
interface ScriptClient {
  progressCachedRead(...args: Array<string | number>): Promise<unknown>;
  progressCachedReadBuffer(...args: Array<string | number>): Promise<Reply[]>;
  progressRateLimitStep(...args: Array<string | number>): Promise<[number, number]>;
  progressGuildReadBuffer(...args: Array<string | number>): Promise<Reply[]>;
}

/** One of the two reads served here: which route it stands for and what its cached body is. */
interface Plan {
  route: string;
  kind: CacheKind;
  level: AccessLevel;
  guildId: number;
  /** The hash holding the body and its field ('' = by the guild's realm, see `readStep`). */
  hash: string;
  field: string;
  fieldParts: [string, string];
  /** The character a character view is about (its realm when the query names one), for the demand it records. */
  character?: { name: string; realm: string | undefined };
}

const CHARACTER = /^\/guilds\/(\d+)\/progress\/character\/([^/]+)$/;
const MEMBERS = /^\/guilds\/(\d+)\/progress\/members$/;
/** Splits a member's field around its realm, for the script to fill in the guild's realm. */
const REALM_SLOT = '\u0000';

/**
 * The cached character view and officer overview in one Redis round trip, written as stored.
 *
 * For a GET of either read, with a valid token and Redis up, one script takes the caller's rate-limit point and
 * reads the cached permission decision, guild-api's snapshot of the guild and the cached body. Only when all of
 * it answers is the request served here: the point within budget, a cached decision that allows the caller at
 * the route's rank (as `permission` decides), the snapshot held (so `trackGuild` would do nothing), and a body
 * still valid by business time. The body's bytes and ETag go out as stored; `If-None-Match` gets 304.
 *
 * Anything else goes on down the ordinary chain, which decides, tracks, reads and computes as it always has:
 * a refusal, a decision or snapshot to fetch from guild-api, a miss, a CSV, bad input, Redis failing. The point
 * taken here is handed to `rateLimit`, which applies it (429 included) instead of taking another. A read
 * served here records its demand in memory as the ordinary routes do (`deps.demand`), adding no round trip.
 */
export function cachedReads(deps: Pick<ApiDeps, 'config' | 'keys' | 'redis' | 'responseCache' | 'demand'>): Middleware {
  const { config, keys, redis, responseCache, demand } = deps;
  const points = config.rateLimitPerMinute;
  const client = defineScripts(redis);

  const planOf = (ctx: Context): Plan | undefined => {
    let match = CHARACTER.exec(ctx.path);
    if (match) {
      const params = characterParams.safeParse({ guild_id: match[1], character_name: safeDecode(match[2] as string) });
      const query = characterQuery.safeParse(ctx.query);
      if (!params.success || !query.success) return undefined;
      const key = nameKey(params.data.character_name);
      const [before, after] = memberLookupField(REALM_SLOT, key).split(REALM_SLOT) as [string, string];
      return {
        route: '/guilds/:guild_id/progress/character/:character_name',
        kind: 'character',
        level: 'member',
        guildId: params.data.guild_id,
        hash: keys.guildMemberLookups(params.data.guild_id),
        field: query.data.realm === undefined ? '' : memberLookupField(query.data.realm, key),
        fieldParts: [before, after],
        character: { name: params.data.character_name, realm: query.data.realm },
      };
    }
    match = MEMBERS.exec(ctx.path);
    if (match) {
      const params = characterParams.shape.guild_id.safeParse(match[1]);
      const query = membersQuery.safeParse(ctx.query);
      // A CSV is made from the body, and a preview of other targets (`plan`) is never cached: both go the long way.
      if (!params.success || !query.success || query.data.format !== 'json' || query.data.plan !== undefined) return undefined;
      return {
        route: '/guilds/:guild_id/progress/members',
        kind: 'overview',
        level: 'officer',
        guildId: params.data,
        hash: keys.guildResponses(params.data),
        field: overviewField(query.data),
        fieldParts: ['', ''],
      };
    }
    return undefined;
  };

  const plans = new PlanCache(planOf);

  const fetchAll = async (plan: Plan, counter: string, bnetId: number): Promise<Reply[]> => {
    const guildKeys = [keys.permission(plan.guildId, bnetId), keys.guildApiSnapshot(plan.guildId), plan.hash];
    const args = [RATE_LIMIT_WINDOW_SECONDS, plan.field, ...plan.fieldParts];
    if (!redis.isCluster) return client.progressCachedReadBuffer(counter, ...guildKeys, ...args);
    const [limit, read] = await Promise.all([
      client.progressRateLimitStep(counter, RATE_LIMIT_WINDOW_SECONDS),
      client.progressGuildReadBuffer(...guildKeys, ...args),
    ]);
    return [...limit, ...read];
  };

  return async (ctx, next) => {
    if (ctx.method !== 'GET' || !ctx.path.startsWith('/guilds/') || !isRedisUp(redis)) return next();
    const plan = plans.of(ctx);
    const user = plan && identify(ctx, config.jwtSecretKey);
    if (!plan || !user) return next();

    let replies: Reply[];
    try {
      replies = await fetchAll(plan, rateLimitCounterKey(keys, `user:${user.bnetId}`), user.bnetId);
    } catch {
      // Nothing known: the ordinary chain runs as with Redis failing (its limiter falls back to memory).
      return next();
    }
    const [consumed, ttl, perm, guild, entry] = replies;
    const taken: ConsumedPoint = { consumed: Number(consumed), msBeforeNext: Number(ttl) };
    ctx.state.consumedPoint = taken;
    if (taken.consumed > points || !Buffer.isBuffer(perm) || !Buffer.isBuffer(guild)) return next();
    const decision = parseDecision(perm.toString('utf8'));
    if (!decision?.allowed || decision.rankId > MAX_RANK[plan.level]) return next();
    const body = decodeEntry(Buffer.isBuffer(entry) ? entry : null, responseCache.now());
    if (!body) return next();

    // The same headers, in the same order, as the ordinary chain: rate limit, then auth's, then the body's.
    applyConsumed(ctx, points, taken);
    ctx.set('Cache-Control', 'private, no-store');
    ctx._matchedRoute = plan.route;
    responseCache.countHit(plan.kind);
    recordDemand(plan, guild);
    sendStored(ctx, body);
  };

  /** What the ordinary chain's routes record (in memory, no round trip): the guild opened, the character read. */
  function recordDemand(plan: Plan, guild: Buffer): void {
    demand.guildOpened(plan.guildId, plan.kind === 'overview');
    if (!plan.character) return;
    try {
      const ref = JSON.parse(guild.toString('utf8')) as { realm?: unknown; region?: unknown };
      const realm = plan.character.realm ?? (typeof ref.realm === 'string' ? ref.realm : undefined);
      const region = typeof ref.region === 'string' ? ref.region : config.blizzard.region;
      if (realm) demand.characterRead(region, realm, plan.character.name);
    } catch {
      // A snapshot that does not parse served no body either (the script found no field); nothing to record.
    }
  }
}

/**
 * What a path and query string stand for depends on nothing else, and clients repeat the same few: the plan
 * (validation, field names) is worked out once per distinct request line. At most `MAX_PLANS` kept, all
 * dropped when full.
 */
class PlanCache {
  private static readonly MAX_PLANS = 2000;
  private readonly plans = new Map<string, Plan | undefined>();

  constructor(private readonly planOf: (ctx: Context) => Plan | undefined) {}

  of(ctx: Context): Plan | undefined {
    const line = `${ctx.path}?${ctx.querystring}`;
    if (this.plans.has(line)) return this.plans.get(line);
    const plan = this.planOf(ctx);
    if (this.plans.size >= PlanCache.MAX_PLANS) this.plans.clear();
    this.plans.set(line, plan);
    return plan;
  }
}

function defineScripts(redis: RedisClient): ScriptClient {
  const client = redis as unknown as ScriptClient;
  if (typeof client.progressCachedReadBuffer !== 'function') {
    redis.defineCommand('progressCachedRead', { numberOfKeys: 4, lua: COMBINED });
    redis.defineCommand('progressRateLimitStep', { numberOfKeys: 1, lua: RATE_LIMIT_ONLY });
    redis.defineCommand('progressGuildRead', { numberOfKeys: 3, lua: READ_ONLY });
  }
  return client;
}

/** A path segment as the router decodes it; undefined (not served here) when it is not valid percent-encoding. */
function safeDecode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
