import cors from '@koa/cors';
import type { Middleware } from 'koa';

/** Only the configured origins get CORS headers (credentials included); any other origin gets none. */
export function corsFor(origins: string[]): Middleware {
  const allowed = new Set(origins);
  return cors({
    origin: (ctx) => {
      const origin = ctx.get('Origin');
      return allowed.has(origin) ? origin : '';
    },
    credentials: true,
    allowMethods: ['GET', 'PUT', 'POST', 'OPTIONS'],
    exposeHeaders: ['Retry-After', 'X-Request-Id'],
    maxAge: 600,
  });
}
