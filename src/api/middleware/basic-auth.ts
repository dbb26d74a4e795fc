import { createHash, timingSafeEqual } from 'node:crypto';
import type { Middleware } from 'koa';

/**
 * Compares digests rather than the strings themselves, so neither the length nor the content of the expected
 * credentials leaks through timing.
 */
function sameSecret(given: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** Parses `Authorization: Basic base64(user:password)`; undefined when absent or malformed. */
function credentialsOf(header: string): { user: string; password: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!match) return undefined;
  const decoded = Buffer.from(match[1] as string, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** HTTP basic auth against one configured user; both parts are always compared, so a wrong user takes as long. */
export function basicAuth(expected: { user: string; password: string }, realm: string): Middleware {
  return async (ctx, next) => {
    const given = credentialsOf(ctx.get('authorization'));
    const userOk = sameSecret(given?.user ?? '', expected.user);
    const passwordOk = sameSecret(given?.password ?? '', expected.password);
    if (!given || !userOk || !passwordOk) {
      ctx.status = 401;
      ctx.set('WWW-Authenticate', `Basic realm="${realm}", charset="UTF-8"`);
      ctx.set('Cache-Control', 'no-store');
      ctx.body = { error: 'Not authenticated', code: 'not_authenticated' };
      return;
    }
    await next();
  };
}
