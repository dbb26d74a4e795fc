import type { IncomingMessage } from 'node:http';
import type { Context, Middleware } from 'koa';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { tooManyRequests } from '../../errors.js';
import type { Keys } from '../../redis.js';
import type { ApiDeps } from '../deps.js';
import { apiTokenReader } from './api-token.js';
import { identify } from './auth.js';

/** Signed by guild-api and checked before anything else: not counted against anyone. */
const EXEMPT_PREFIXES = ['/webhooks/'];

/** The limiter's window: `RATE_LIMIT_PER_MINUTE` points per subject per window. */
export const RATE_LIMIT_WINDOW_SECONDS = 60;

/**
 * A point already taken from a user's budget, in the same Redis counter and by the same script as the
 * limiter's (the cached reads take it in their one round trip): what the counter stood at and how long until
 * its window ends. `rateLimit` applies it instead of taking a second point.
 */
export interface ConsumedPoint {
  consumed: number;
  msBeforeNext: number;
}

/** The Redis counter of a subject (`user:<bnetId>`), as rate-limiter-flexible names it (`<keyPrefix>:<key>`). */
export const rateLimitCounterKey = (keys: Keys, subject: string): string => `${keys.rateLimit()}:${subject}`;

/** The RateLimit-* headers for a point taken from a budget of `points`, in the order they are sent. */
export function rateLimitHeaders(points: number, taken: ConsumedPoint): Array<[string, string]> {
  return [
    ['RateLimit-Limit', String(points)],
    ['RateLimit-Remaining', String(Math.max(0, points - taken.consumed))],
    ['RateLimit-Reset', String(secondsUntil(taken.msBeforeNext))],
  ];
}

/** Sets the RateLimit-* headers for a point taken from a user's budget; over the budget, 429 with Retry-After. */
export function applyConsumed(ctx: Context, points: number, taken: ConsumedPoint): void {
  for (const [name, value] of rateLimitHeaders(points, taken)) ctx.set(name, value);
  if (taken.consumed > points) throw tooManyRequests(secondsUntil(taken.msBeforeNext));
}

/**
 * Points already taken for requests that then went on to Koa: the cached reads take their caller's point before
 * Koa sees the request, and hand it over here so `rateLimit` applies it instead of taking a second one.
 */
const handedOver = new WeakMap<IncomingMessage, ConsumedPoint>();

export function handOverPoint(req: IncomingMessage, taken: ConsumedPoint): void {
  handedOver.set(req, taken);
}

/**
 * Requests per user (the verified token's bnet_id), per read-only API token (API_TOKEN_RATE_LIMIT_PER_MINUTE) or,
 * without a valid token, per client IP, per minute, counted
 * in Redis so every replica shares one budget. While Redis is down each replica counts in memory instead, which
 * is looser (one budget per replica) but never lets a client run unlimited.
 * Health, readiness and metrics are mounted before this and never reach it.
 */
export function rateLimit(deps: ApiDeps): Middleware {
  // Shared in Redis across replicas; counted in memory per replica while Redis is down.
  const limiterOf = (points: number) =>
    new RateLimiterRedis({
      storeClient: deps.redis,
      keyPrefix: deps.keys.rateLimit(),
      points,
      duration: RATE_LIMIT_WINDOW_SECONDS,
      rejectIfRedisNotReady: true,
      insuranceLimiter: new RateLimiterMemory({ points, duration: RATE_LIMIT_WINDOW_SECONDS }),
    });
  const userPoints = deps.config.rateLimitPerMinute;
  const limiter = limiterOf(userPoints);

  const tokens = apiTokenReader(deps);
  const tokenPoints = deps.config.apiTokenRateLimitPerMinute;
  const tokenLimiter = limiterOf(tokenPoints);

  return async (ctx, next) => {
    // Routes match case-insensitively, so the exemption must too.
    const path = ctx.path.toLowerCase();
    if (EXEMPT_PREFIXES.some((prefix) => path.startsWith(prefix))) return next();
    // A user's cached read already took its point (src/api/cached-reads/handler.ts) and came on to Koa.
    const taken = handedOver.get(ctx.req);
    if (taken) {
      applyConsumed(ctx, userPoints, taken);
      return next();
    }
    // A read-only API token has a budget of its own, apart from its creator's; an unknown one counts as nobody's.
    const read = await tokens.read(ctx);
    if (read.kind === 'throttled') {
      ctx.set('RateLimit-Limit', String(userPoints));
      ctx.set('RateLimit-Remaining', '0');
      ctx.set('RateLimit-Reset', String(read.retryAfterSeconds));
      throw tooManyRequests(read.retryAfterSeconds);
    }
    const apiToken = read.kind === 'valid' ? read.token : undefined;
    const user = read.kind === 'none' ? identify(ctx, deps.config.jwtSecretKey) : undefined;
    const key = apiToken ? `token:${apiToken.id}` : user ? `user:${user.bnetId}` : `ip:${ctx.ip}`;
    const points = apiToken ? tokenPoints : userPoints;
    try {
      const res = await (apiToken ? tokenLimiter : limiter).consume(key);
      ctx.set('RateLimit-Limit', String(points));
      ctx.set('RateLimit-Remaining', String(Math.max(0, res.remainingPoints)));
      ctx.set('RateLimit-Reset', String(secondsUntil(res.msBeforeNext)));
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      ctx.set('RateLimit-Limit', String(points));
      ctx.set('RateLimit-Remaining', '0');
      ctx.set('RateLimit-Reset', String(secondsUntil(rejection.msBeforeNext)));
      throw tooManyRequests(secondsUntil(rejection.msBeforeNext));
    }
    await next();
  };
}

/** Whole seconds until the window frees a point, at least 1 (0 would invite an immediate retry). */
const secondsUntil = (ms: number): number => Math.max(1, Math.ceil(ms / 1000));
