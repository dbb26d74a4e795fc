import { createSecretKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { Context, Middleware } from 'koa';
import { notAuthenticated, type AuthProblem } from '../../errors.js';

/** guild-api's tokens are a few hundred bytes; anything this long is not one of them and is not worth verifying. */
const MAX_TOKEN_LENGTH = 8 * 1024;

export interface AuthenticatedUser {
  bnetId: number;
}

interface AuthState {
  user?: AuthenticatedUser;
  /** Why the request is not authenticated, so the 401 tells the client whether to refresh or to log in. */
  authProblem?: AuthProblem;
  /** The caller's token, kept only to forward to guild-api; never logged, never queued. */
  token?: string;
}

/**
 * The token from `Authorization: Bearer` or guild-api's `access_token` cookie; '' when an Authorization header
 * is sent but is not a bearer token (a credential was sent, and it is not one we take), undefined when none is.
 */
function tokenOf(ctx: Context): string | undefined {
  return tokenFromHeaders(ctx.get('authorization'), ctx.get('cookie'));
}

/** The cookie's value as Koa's cookies module reads it (first match, surrounding quotes dropped). */
const ACCESS_TOKEN_COOKIE = /(?:^|;) *access_token=([^;]*)/;

/**
 * `tokenOf` from the raw header values, for the cached reads answered before Koa: the same rule on both paths.
 */
export function tokenFromHeaders(authorization: string | undefined, cookie: string | undefined): string | undefined {
  if (authorization) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    return match?.[1] ?? '';
  }
  let value = cookie ? ACCESS_TOKEN_COOKIE.exec(cookie)?.[1] : undefined;
  if (value?.startsWith('"')) value = value.slice(1, -1);
  return value || undefined;
}

export type TokenCheck = { user: AuthenticatedUser } | { problem: Exclude<AuthProblem, 'missing'> };

/**
 * Verifies a guild-api access token: HS256 only (no `none`, no RS256 with the secret as a public key),
 * unexpired and already valid, an `exp` present, `type` access (refresh tokens are refused), an integer bnet_id.
 * A token that would pass but for its expiry is `expired` (the client should refresh it); anything else,
 * refresh tokens included, is `invalid`. The expiry is only looked at once the signature has verified, so an
 * unsigned token never learns more than "invalid".
 */
export function checkAccessToken(token: string, secret: string): TokenCheck {
  if (token.length > MAX_TOKEN_LENGTH) return { problem: 'invalid' };
  const known = verifiedTokens.get(token);
  if (known && known.secret === secret) {
    // The signature and claims were verified for this very string; only time can have changed since.
    const now = Math.floor(Date.now() / 1000);
    if (now < known.exp && (known.nbf === undefined || now >= known.nbf)) return { user: known.user };
    verifiedTokens.delete(token);
  }
  try {
    const payload = jwt.verify(token, secretKeyOf(secret), { algorithms: ['HS256'] });
    const user = accessUserOf(payload);
    if (user && typeof payload === 'object') rememberVerified(token, secret, user, payload);
    return user ? { user } : { problem: 'invalid' };
  } catch (err) {
    if (!(err instanceof jwt.TokenExpiredError)) return { problem: 'invalid' };
    try {
      const payload = jwt.verify(token, secretKeyOf(secret), { algorithms: ['HS256'], ignoreExpiration: true });
      return { problem: accessUserOf(payload) ? 'expired' : 'invalid' };
    } catch {
      return { problem: 'invalid' };
    }
  }
}

/**
 * Access tokens already verified, by their exact text: a client sends the same token with every request until
 * it expires, and checking its HMAC and parsing its claims each time cost more than the rest of a cached read's
 * own work. A hit still checks `exp` and `nbf` against the time now, as jsonwebtoken does (no clock tolerance),
 * so an expired token is verified again and reported `expired`. Only successes are kept, at most
 * `MAX_VERIFIED_TOKENS` (all dropped when full), each a few hundred bytes.
 */
const verifiedTokens = new Map<string, { secret: string; user: AuthenticatedUser; exp: number; nbf: number | undefined }>();
const MAX_VERIFIED_TOKENS = 5000;

function rememberVerified(token: string, secret: string, user: AuthenticatedUser, payload: jwt.JwtPayload): void {
  if (typeof payload.exp !== 'number') return;
  if (verifiedTokens.size >= MAX_VERIFIED_TOKENS) verifiedTokens.clear();
  verifiedTokens.set(token, { secret, user, exp: payload.exp, nbf: typeof payload.nbf === 'number' ? payload.nbf : undefined });
}

/** The user of a verified payload when its claims are an access token's, else undefined. */
function accessUserOf(payload: string | jwt.JwtPayload): AuthenticatedUser | undefined {
  if (typeof payload !== 'object' || payload === null) return undefined;
  const { exp, type, bnet_id: bnetId } = payload as Record<string, unknown>;
  if (typeof exp !== 'number' || type !== 'access') return undefined;
  if (typeof bnetId !== 'number' || !Number.isSafeInteger(bnetId) || bnetId < 0) return undefined;
  return { bnetId };
}

/** The user of a valid access token, undefined for any other token. */
export function verifyAccessToken(token: string, secret: string): AuthenticatedUser | undefined {
  const check = checkAccessToken(token, secret);
  return 'user' in check ? check.user : undefined;
}

let cachedKey: { secret: string; key: KeyObject } | undefined;

/**
 * Given a string, jsonwebtoken first tries to parse it as a PEM public key and only falls back to an HMAC key
 * when that throws: ~0.6 ms of CPU on every request, against ~10 µs for a ready KeyObject.
 */
function secretKeyOf(secret: string): KeyObject {
  if (cachedKey?.secret !== secret) cachedKey = { secret, key: createSecretKey(Buffer.from(secret, 'utf8')) };
  return cachedKey.key;
}

/**
 * Who is calling, worked out once per request (the rate limiter asks before the route's auth() does).
 * Undefined for anonymous or invalid credentials.
 */
export function identify(ctx: Context, secret: string): AuthenticatedUser | undefined {
  const state = ctx.state as AuthState & { identified?: boolean };
  if (!state.identified) {
    state.identified = true;
    const token = tokenOf(ctx);
    if (token === undefined) {
      state.authProblem = 'missing';
    } else {
      const check = token ? checkAccessToken(token, secret) : ({ problem: 'invalid' } as const);
      if ('user' in check) {
        state.user = check.user;
        state.token = token;
      } else {
        state.authProblem = check.problem;
      }
    }
  }
  return state.user;
}

/** Refuses the request with 401 unless it carries a valid access token (or a valid read-only API token). */
export function auth(secret: string): Middleware {
  return async (ctx, next) => {
    // A read-only API token was checked before the routes (middleware/api-token.ts); permission() decides for it.
    if (!(ctx.state as { apiToken?: unknown }).apiToken && !identify(ctx, secret)) throw notAuthenticated((ctx.state as AuthState).authProblem);
    // Answers depend on who asks: no shared cache may keep them.
    ctx.set('Cache-Control', 'private, no-store');
    await next();
  };
}

export function userOf(ctx: Context): AuthenticatedUser {
  const user = (ctx.state as AuthState).user;
  if (!user) throw notAuthenticated();
  return user;
}

export function tokenFor(ctx: Context): string {
  const token = (ctx.state as AuthState).token;
  if (!token) throw notAuthenticated();
  return token;
}
