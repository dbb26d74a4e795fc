import cors from '@koa/cors';
import type { Middleware } from 'koa';

export const EXPOSED_HEADERS = ['Content-Disposition', 'Retry-After', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset', 'X-Request-Id'];

/**
 * The CORS headers @koa/cors sets on a response to a request that is not a preflight, for the origin it came
 * from: `Vary: Origin` always, and the allowing headers only for a configured origin. The cached reads answered
 * before Koa send these; a test compares them with what the middleware below sends for the same request.
 */
export function corsHeadersFor(origins: string[]): (origin: string | undefined) => ReadonlyArray<readonly [string, string]> {
  const exposed = EXPOSED_HEADERS.join(',');
  // Made once per configured origin; a request names one of them or gets the one header every response has.
  const allowed = new Map(
    origins.map((origin) => [
      origin,
      [['Vary', 'Origin'], ['Access-Control-Allow-Origin', origin], ['Access-Control-Allow-Credentials', 'true'], ['Access-Control-Expose-Headers', exposed]] as const,
    ]),
  );
  const other = [['Vary', 'Origin']] as const;
  return (origin) => (origin && allowed.get(origin)) || other;
}

/** Only the configured origins get CORS headers (credentials included); any other origin gets none. */
export function corsFor(origins: string[]): Middleware {
  const allowed = new Set(origins);
  return cors({
    origin: (ctx) => {
      const origin = ctx.get('Origin');
      return allowed.has(origin) ? origin : '';
    },
    credentials: true,
    allowMethods: ['GET', 'PUT', 'POST', 'DELETE', 'OPTIONS'],
    // What a script needs to act on an answer: when to retry (202, 429, 503), its remaining budget, and the CSV's
    // file name. A browser hides every other response header from cross-origin code.
    exposeHeaders: EXPOSED_HEADERS,
    maxAge: 600,
  });
}
