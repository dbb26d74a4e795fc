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
    for (const [name, value] of securityHeaders(ctx.path, options.forceHttps)) ctx.set(name, value);
    if (options.forceHttps) {
      if (ctx.protocol !== 'https' && !PROBES.has(ctx.path)) {
        throw new AppError(403, 'https_required', 'HTTPS is required');
      }
    }
    await next();
  };
}

type Header = readonly [name: string, value: string];

const ALWAYS: Header[] = [
  ['X-Content-Type-Options', 'nosniff'],
  ['X-Frame-Options', 'DENY'],
  ['Referrer-Policy', 'no-referrer'],
  ['Cross-Origin-Resource-Policy', 'same-site'],
];
const CSP: Header = ['Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'"];
const HSTS: Header = ['Strict-Transport-Security', 'max-age=31536000; includeSubDomains'];
/** The four lists there can be, made once: every response takes one of them. */
const VARIANTS = {
  api: [...ALWAYS, CSP],
  apiHttps: [...ALWAYS, CSP, HSTS],
  dashboard: [...ALWAYS],
  dashboardHttps: [...ALWAYS, HSTS],
};

/**
 * The security headers of a response to `path`, in the order they are sent. The dashboard's pages load their own
 * scripts and styles, so it is the one place without the API's CSP. Shared by this middleware and the cached
 * reads answered before Koa (src/api/cached-reads/handler.ts), so both send the same.
 */
export function securityHeaders(path: string, forceHttps: boolean): readonly Header[] {
  if (path.startsWith('/admin/queues')) return forceHttps ? VARIANTS.dashboardHttps : VARIANTS.dashboard;
  return forceHttps ? VARIANTS.apiHttps : VARIANTS.api;
}
