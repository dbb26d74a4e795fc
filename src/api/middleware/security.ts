import type { Middleware } from 'koa';
import { AppError } from '../../errors.js';

/**
 * Probes and the Prometheus scrape come from inside the network (orchestrator, monitoring), not through the TLS
 * proxy: refusing them over plain HTTP would make a healthy api look down.
 */
const PROBES = new Set(['/health', '/ready', '/metrics']);

/**
 * Security headers on every response, and HTTPS enforcement behind a TLS-terminating proxy: with
 * forceHttps, a request whose (trusted) protocol is not https is refused, except probes and metrics.
 * Koa only believes X-Forwarded-Proto when app.proxy (TRUST_PROXY) is set.
 */
export function security(options: { forceHttps: boolean }): Middleware {
  return async (ctx, next) => {
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('X-Frame-Options', 'DENY');
    ctx.set('Referrer-Policy', 'no-referrer');
    ctx.set('Cross-Origin-Resource-Policy', 'same-site');
    if (!ctx.path.startsWith('/admin/queues')) {
      ctx.set('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'");
    }
    if (options.forceHttps) {
      ctx.set('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
      if (ctx.protocol !== 'https' && !PROBES.has(ctx.path)) {
        throw new AppError(403, 'https_required', 'HTTPS is required');
      }
    }
    await next();
  };
}
