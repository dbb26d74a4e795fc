import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';
import type { Logger } from '../../logger.js';
import type { Metrics } from '../../metrics.js';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,100}$/;

/**
 * Gives each request an id (the caller's X-Request-Id when sane) and a child logger, and records one
 * access-log line and the duration metric per request, labelled by route template, never by raw path.
 */
export function requestContext(logger: Logger, metrics: Metrics): Middleware {
  return async (ctx, next) => {
    const started = process.hrtime.bigint();
    const incoming = ctx.get('x-request-id');
    const requestId = REQUEST_ID.test(incoming) ? incoming : randomUUID();
    ctx.state.requestId = requestId;
    ctx.set('X-Request-Id', requestId);
    ctx.state.log = logger.child({ requestId });
    try {
      await next();
    } finally {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = typeof ctx._matchedRoute === 'string' ? ctx._matchedRoute : ctx.status === 404 ? 'unmatched' : ctx.path.startsWith('/admin/queues') ? '/admin/queues' : 'unmatched';
      const labels = { method: ctx.method, route, status: String(ctx.status) };
      metrics.httpDuration.observe(labels, seconds);
      metrics.httpRequests.inc(labels);
      ctx.state.log.info(
        {
          method: ctx.method, route, path: ctx.path, status: ctx.status, ms: Math.round(seconds * 10000) / 10, user: ctx.state.user?.bnetId,
          // A read-only API token is named by its id, never by itself.
          apiTokenId: ctx.state.apiToken?.id,
        },
        'request',
      );
    }
  };
}
