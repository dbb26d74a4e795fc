import type { Middleware } from 'koa';
import { AppError } from '../../errors.js';

/** Every method some route answers; the router itself handles HEAD and OPTIONS. */
const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
const ALLOW = 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS';

/**
 * A method no route uses (TRACE, PROPFIND, …) is the client's mistake: 405, not the router's 501, which would
 * count as a server error and let anyone set off the 5xx alert.
 */
export function knownMethodsOnly(): Middleware {
  return async (ctx, next) => {
    if (!KNOWN_METHODS.has(ctx.method)) throw new AppError(405, 'method_not_allowed', 'Method not allowed', undefined, { Allow: ALLOW });
    await next();
  };
}
