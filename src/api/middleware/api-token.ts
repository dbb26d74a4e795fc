import type { Context, Middleware } from 'koa';
import type { ApiTokenRecord, TokenScope } from '../../db/tables/api-tokens.js';
import { RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import { AppError, forbidden, notAuthenticated, tooManyRequests } from '../../errors.js';
import type { ApiDeps } from '../deps.js';
import { API_TOKEN_PREFIX, recordApiTokenUse, resolveApiToken } from '../services/api-tokens.js';

/** Methods a read-only token may use; anything else is a write, refused whatever the route. */
const READ_METHODS = new Set(['GET', 'HEAD']);

/** The bearer token of the request when it is a read-only API token (`Authorization: Bearer pat_…`). */
function apiTokenOf(ctx: Context): string | undefined {
  const match = /^Bearer\s+(pat_\S*)\s*$/i.exec(ctx.get('authorization'));
  return match?.[1]?.startsWith(API_TOKEN_PREFIX) ? match[1] : undefined;
}

export const readOnlyToken = () => new AppError(403, 'read_only_token', 'Access denied - read-only token');

/** What a request's read-only API token turned out to be; memoized on the request. */
export type TokenRead =
  | { kind: 'none' }
  | { kind: 'valid'; token: ApiTokenRecord }
  | { kind: 'invalid' }
  /** The caller's address sent too many unknown tokens this minute: refused before any lookup. */
  | { kind: 'throttled'; retryAfterSeconds: number };

/**
 * Reads a request's read-only API token once, for the rate limiter (which gives each token a budget of its own)
 * and then `apiTokens()`. Unknown tokens are counted per client IP, and once an address has sent a minute's
 * budget of them its tokens are not even looked up: guessing tokens costs the database nothing.
 */
class ApiTokenReader {
  private readonly points: number;
  private readonly failures: RateLimiterRedis;

  constructor(private readonly deps: ApiDeps) {
    this.points = deps.config.rateLimitPerMinute;
    this.failures = new RateLimiterRedis({
      storeClient: deps.redis,
      keyPrefix: deps.keys.rateLimit(),
      points: this.points,
      duration: 60,
      rejectIfRedisNotReady: true,
      insuranceLimiter: new RateLimiterMemory({ points: this.points, duration: 60 }),
    });
  }

  read(ctx: Context): Promise<TokenRead> {
    const state = ctx.state as { apiTokenRead?: Promise<TokenRead> };
    state.apiTokenRead ??= this.readOnce(ctx);
    return state.apiTokenRead;
  }

  private async readOnce(ctx: Context): Promise<TokenRead> {
    const raw = apiTokenOf(ctx);
    if (raw === undefined) return { kind: 'none' };
    const key = `token-failures:${ctx.ip}`;
    const failed = await this.failures.get(key).catch(() => null);
    if (failed && failed.consumedPoints >= this.points) return { kind: 'throttled', retryAfterSeconds: Math.max(1, Math.ceil(failed.msBeforeNext / 1000)) };
    const token = await resolveApiToken(this.deps, raw);
    if (token) return { kind: 'valid', token };
    await this.failures.penalty(key, 1).catch(() => undefined);
    return { kind: 'invalid' };
  }
}

const readers = new WeakMap<ApiDeps, ApiTokenReader>();

/** The one reader of a running api (its failure counter is built once). */
export function apiTokenReader(deps: ApiDeps): ApiTokenReader {
  let reader = readers.get(deps);
  if (!reader) {
    reader = new ApiTokenReader(deps);
    readers.set(deps, reader);
  }
  return reader;
}

/**
 * After the rate limiter, before any route: an unknown or revoked token is 401 `token_invalid`, and any method
 * but GET and HEAD is 403 `read_only_token` on every route. A valid token is left on the request for
 * `permission()`, which lets it into its own guild's routes that take its scopes, and nowhere else.
 */
export function apiTokens(deps: ApiDeps): Middleware {
  const reader = apiTokenReader(deps);
  return async (ctx, next) => {
    const read = await reader.read(ctx);
    if (read.kind === 'none') return next();
    if (read.kind === 'throttled') throw tooManyRequests(read.retryAfterSeconds);
    if (read.kind === 'invalid') throw notAuthenticated('invalid');
    if (!READ_METHODS.has(ctx.method)) throw readOnlyToken();
    ctx.state.apiToken = read.token;
    recordApiTokenUse(deps, read.token);
    await next();
  };
}

/** The request's valid read-only API token, once `apiTokens()` has accepted it. */
export function apiTokenOfRequest(ctx: Context): ApiTokenRecord | undefined {
  return ctx.state.apiToken as ApiTokenRecord | undefined;
}

/**
 * Which scope a route asks of a token, given the request (the overview asks `csv` for its CSV). A route that
 * names none takes no token.
 */
export type TokenScopeOf = (ctx: Context) => TokenScope;

/** Whether the token may use this guild route: its own guild, a scope it holds. Refusals use the route's message. */
export function checkApiToken(ctx: Context, token: ApiTokenRecord, guildId: number, scopeOf: TokenScopeOf | undefined, deniedMessage: string): void {
  if (token.guildId !== guildId) throw forbidden(deniedMessage);
  if (!scopeOf || !token.scopes.includes(scopeOf(ctx))) throw forbidden(deniedMessage, 'insufficient_scope');
}
