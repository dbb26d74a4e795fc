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
    const requestId = requestIdOf(ctx.get('x-request-id'));
    ctx.state.requestId = requestId;
    ctx.set('X-Request-Id', requestId);
    ctx.state.log = logger.child({ requestId });
    try {
      await next();
    } finally {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = typeof ctx._matchedRoute === 'string' ? ctx._matchedRoute : ctx.status === 404 ? 'unmatched' : ctx.path.startsWith('/admin/queues') ? '/admin/queues' : 'unmatched';
      recordRequest(metrics, ctx.state.log, {
        method: ctx.method, route, path: ctx.path, status: ctx.status, seconds, user: ctx.state.user?.bnetId,
        // A read-only API token is named by its id, never by itself.
        apiTokenId: ctx.state.apiToken?.id,
      });
    }
  };
}

export interface AnsweredRequest {
  method: string;
  /** The route template, never the raw path, so the metric's labels stay few. */
  route: string;
  path: string;
  status: number;
  seconds: number;
  user: number | undefined;
  apiTokenId?: string;
}

/**
 * The access-log line and the duration metric of one answered request. `log` carries the request's id (a child
 * logger, or the caller adds `requestId` to the line itself). Shared with the cached reads answered before Koa.
 */
export function recordRequest(metrics: Metrics, log: Logger, request: AnsweredRequest, requestId?: string): void {
  const { method, route, path, status, seconds, user, apiTokenId } = request;
  const labels = { method, route, status: String(status) };
  metrics.httpDuration.observe(labels, seconds);
  metrics.httpRequests.inc(labels);
  const ms = Math.round(seconds * 10000) / 10;
  log.info(requestId === undefined ? { method, route, path, status, ms, user, apiTokenId } : { requestId, method, route, path, status, ms, user, apiTokenId }, 'request');
}

/** The caller's X-Request-Id when it is a sane token, else a new id. */
export function requestIdOf(incoming: string | undefined): string {
  return incoming !== undefined && REQUEST_ID.test(incoming) ? incoming : randomUUID();
}
