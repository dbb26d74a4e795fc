import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { splitEntry, type StoredBody } from '../../cache/response-cache.js';
import { isRedisUp } from '../../redis.js';
import type { ApiDeps } from '../deps.js';
import { checkAccessToken, tokenFromHeaders } from '../middleware/auth.js';
import { corsHeadersFor } from '../middleware/cors.js';
import { MAX_RANK } from '../middleware/permission.js';
import { handOverPoint, rateLimitCounterKey, rateLimitHeaders, type ConsumedPoint } from '../middleware/rate-limit.js';
import { recordRequest, requestIdOf } from '../middleware/request-context.js';
import { securityHeaders } from '../middleware/security.js';
import { noneMatchFails } from '../send-stored.js';
import { parseDecision, type AccessDecision } from '../services/guild-access.js';
import { ParsedByBytes } from './parsed-by-bytes.js';
import { HeldBodies, type HeldBody } from './held-bodies.js';
import { PlanCache, type Plan } from './plan.js';
import { cachedReadScript, type Replies, type Reply } from './script.js';

/** What the held copies of cached bodies may take of the api's memory. */
const HELD_BODY_BYTES = 16 * 1024 * 1024;
/** Characters after which the router would not read a path the way `planOf` does (parseurl's slow path). */
const UNUSUAL_URL = /[\t\n\f\r #]/;

/** Answers a request from the cache (true), or leaves it untouched for Koa (false). */
export type CachedReadHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

/**
 * The cached character view and officer overview, answered before Koa in one Redis round trip, written as stored.
 *
 * For a GET of either read with a valid access token and Redis up, one script takes the caller's rate-limit point
 * and reads the cached permission decision, guild-api's snapshot of the guild and the cached body. Only when all
 * of it answers is the request served here: the point within budget, a cached decision that allows the caller at
 * the route's rank (as `permission` decides), the snapshot held (so `trackGuild` would do nothing), and a body
 * still valid by business time. The response carries what Koa's chain would have sent for it: the request id, the
 * CORS and security headers, the rate-limit headers, the body's bytes and ETag (`If-None-Match` gets 304), and
 * the same access-log line and metrics. Each of those rules lives in one function both paths call.
 *
 * Anything else goes to Koa untouched, which decides, tracks, reads and computes as it always has: a refusal, a
 * decision or snapshot to fetch from guild-api, a miss, a CSV, bad input, Redis failing, a read-only API token.
 * The point taken here is handed over to `rateLimit`, which applies it (429 included) instead of taking another.
 * A read served here records its demand in memory as the ordinary routes do (`deps.demand`), adding no round trip.
 */
export function cachedReadHandler(
  deps: Pick<ApiDeps, 'config' | 'keys' | 'redis' | 'responseCache' | 'demand' | 'logger' | 'metrics'>,
): CachedReadHandler {
  const { config, keys, redis, responseCache, demand, logger, metrics } = deps;
  const points = config.rateLimitPerMinute;
  const read = cachedReadScript(redis);
  const plans = new PlanCache(keys);
  const held = new HeldBodies(HELD_BODY_BYTES);
  const cors = corsHeadersFor(config.corsOrigins);
  const decisions = new ParsedByBytes((raw) => parseDecision(raw.toString('utf8')));
  const guildRefs = new ParsedByBytes(guildRefOf);

  return async (req, res) => {
    const started = process.hrtime.bigint();
    const url = req.url ?? '';
    if (req.method !== 'GET' || !url.startsWith('/guilds/') || UNUSUAL_URL.test(url) || !isRedisUp(redis)) return false;
    if (config.forceHttps && !isHttps(req, config.trustProxy)) return false;
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const querystring = q < 0 ? '' : url.slice(q + 1);
    const plan = plans.of(path, querystring);
    if (!plan) return false;
    const token = tokenFromHeaders(req.headers.authorization, req.headers.cookie);
    const check = token ? checkAccessToken(token, config.jwtSecretKey) : undefined;
    if (!check || !('user' in check)) return false;
    const bnetId = check.user.bnetId;

    const line = `${path}?${querystring}`;
    const copy = held.get(line);
    let replies: Replies;
    try {
      replies = await read(plan, rateLimitCounterKey(keys, `user:${bnetId}`), keys.permission(plan.guildId, bnetId), keys.guildApiSnapshot(plan.guildId), copy?.header ?? '');
    } catch {
      // Nothing known: Koa's chain runs as with Redis failing (its limiter falls back to memory).
      return false;
    }
    const [consumed, ttl, perm, guild, entry] = replies;
    const taken: ConsumedPoint = { consumed: Number(consumed), msBeforeNext: Number(ttl) };
    const body = taken.consumed <= points && Buffer.isBuffer(perm) && Buffer.isBuffer(guild) && allows(decisions.of(`${plan.guildId}:${bnetId}`, perm), plan) ? bodyOf(entry, copy, line) : undefined;
    if (!body || !Buffer.isBuffer(guild)) {
      handOverPoint(req, taken);
      return false;
    }

    const requestId = requestIdOf(headerOf(req, 'x-request-id'));
    const notModified = noneMatchFails(headerOf(req, 'if-none-match') ?? '', body.etag);
    // Name, value, name, value…: the form writeHead takes without copying into a headers object.
    const headers: string[] = ['X-Request-Id', requestId];
    for (const [name, value] of cors(headerOf(req, 'origin'))) headers.push(name, value);
    for (const [name, value] of securityHeaders(path, config.forceHttps)) headers.push(name, value);
    for (const [name, value] of rateLimitHeaders(points, taken)) headers.push(name, value);
    headers.push('Cache-Control', 'private, no-store');
    // A 304 carries the tag but, as Koa sends it, no Content-Type or Content-Length.
    if (notModified) headers.push('ETag', body.etag);
    else headers.push('Content-Type', 'application/json; charset=utf-8', 'ETag', body.etag, 'Content-Length', String(body.bytes.length));
    res.writeHead(notModified ? 304 : 200, headers);
    res.end(notModified ? undefined : body.bytes);

    responseCache.countHit(plan.kind);
    recordDemand(plan, guild);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    recordRequest(metrics, logger, { method: 'GET', route: plan.route, path, status: notModified ? 304 : 200, seconds, user: bnetId }, requestId);
    return true;
  };

  /** A cached decision that lets the caller read the plan's route. */
  function allows(decision: AccessDecision | undefined, plan: Plan): boolean {
    return decision !== undefined && decision.allowed && decision.rankId <= MAX_RANK[plan.level];
  }

  /** The body to send: the copy held when Redis says it is still the stored one, else the entry it sent (kept). */
  function bodyOf(entry: Reply, copy: HeldBody | undefined, line: string): StoredBody | undefined {
    const now = responseCache.now();
    if (entry === 1 && copy) return copy.expiresAt > now ? copy.body : undefined;
    held.drop(line);
    const parts = Buffer.isBuffer(entry) ? splitEntry(entry) : undefined;
    if (!parts || !(parts.expiresAt > now)) return undefined;
    return held.keep(line, entry as Buffer, parts.headerEnd, parts.body, parts.expiresAt).body;
  }

  /** What the ordinary chain's routes record (in memory, no round trip): the guild opened, the character read. */
  function recordDemand(plan: Plan, guild: Buffer): void {
    demand.guildOpened(plan.guildId, plan.kind === 'overview');
    if (!plan.character) return;
    const ref = guildRefs.of(String(plan.guildId), guild);
    const realm = plan.character.realm ?? ref.realm;
    if (realm) demand.characterRead(ref.region ?? config.blizzard.region, realm, plan.character.name);
  }
}

/** The guild's realm and region from guild-api's description, each when it is there. */
function guildRefOf(raw: Buffer): { realm?: string; region?: string } {
  try {
    const ref = JSON.parse(raw.toString('utf8')) as { realm?: unknown; region?: unknown };
    return { realm: typeof ref.realm === 'string' ? ref.realm : undefined, region: typeof ref.region === 'string' ? ref.region : undefined };
  } catch {
    // A snapshot that does not parse served no body either (the script found no field); nothing to record.
    return {};
  }
}

/** A request header's value as Koa's `ctx.get` reads it (the first, when a client repeats it). */
function headerOf(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Koa's `ctx.protocol`: TLS on the socket, else (behind a trusted proxy only) X-Forwarded-Proto's first value. */
function isHttps(req: IncomingMessage, trustProxy: boolean): boolean {
  if ((req.socket as TLSSocket).encrypted) return true;
  if (!trustProxy) return false;
  const proto = headerOf(req, 'x-forwarded-proto');
  return proto?.split(',')[0]?.trim() === 'https';
}
