import type { Middleware } from 'koa';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { tooManyRequests } from '../../errors.js';
import type { ApiDeps } from '../deps.js';
import { identify } from './auth.js';

/** Signed by guild-api and checked before anything else: not counted against anyone. */
const EXEMPT_PREFIXES = ['/webhooks/'];

/**
 * Requests per user (the verified token's bnet_id) or, without a valid token, per client IP, per minute, counted
 * in Redis so every replica shares one budget. While Redis is down each replica counts in memory instead, which
 * is looser (one budget per replica) but never lets a client run unlimited.
 * Health, readiness and metrics are mounted before this and never reach it.
 */
export function rateLimit(deps: Pick<ApiDeps, 'config' | 'keys' | 'redis'>): Middleware {
  const points = deps.config.rateLimitPerMinute;
  const limiter = new RateLimiterRedis({
    storeClient: deps.redis,
    keyPrefix: deps.keys.rateLimit(),
    points,
    duration: 60,
    rejectIfRedisNotReady: true,
    insuranceLimiter: new RateLimiterMemory({ points, duration: 60 }),
  });

  return async (ctx, next) => {
    // Routes match case-insensitively, so the exemption must too.
    const path = ctx.path.toLowerCase();
    if (EXEMPT_PREFIXES.some((prefix) => path.startsWith(prefix))) return next();
    const user = identify(ctx, deps.config.jwtSecretKey);
    const key = user ? `user:${user.bnetId}` : `ip:${ctx.ip}`;
    try {
      const res = await limiter.consume(key);
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
