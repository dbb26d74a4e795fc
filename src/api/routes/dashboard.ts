import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { KoaAdapter } from '@bull-board/koa';
import { Stream } from 'node:stream';
import type { Context, Middleware } from 'koa';
import { AppError } from '../../errors.js';
import type { ApiDeps } from '../deps.js';
import { basicAuth } from '../middleware/basic-auth.js';

export const DASHBOARD_PATH = '/admin/queues';

/**
 * bull-board over every queue, read-only, behind our own basic auth (bull-board has none). Without configured
 * credentials the dashboard is not mounted at all, in every environment: an open queue dashboard shows job data
 * to anyone who finds it.
 */
export function dashboardRoutes(deps: ApiDeps): Middleware {
  const credentials = deps.config.dashboard;
  if (!credentials) {
    deps.logger.info('queue dashboard off: QUEUE_DASHBOARD_USER and QUEUE_DASHBOARD_PASSWORD are not set');
    return async (_ctx, next) => next();
  }
  const serverAdapter = new KoaAdapter();
  serverAdapter.setBasePath(DASHBOARD_PATH);
  createBullBoard({
    queues: Object.values(deps.queues).map((queue) => new BullMQAdapter(queue, { readOnlyMode: true })),
    serverAdapter,
  });
  const board = serverAdapter.registerPlugin();
  const guard = basicAuth(credentials, 'progress-api queues');
  return async (ctx, next) => {
    if (ctx.path !== DASHBOARD_PATH && !ctx.path.startsWith(`${DASHBOARD_PATH}/`)) return next();
    await guard(ctx, async () => {
      // bull-board decodes bodies itself and answers a body it cannot decode with a 500.
      const encoding = (ctx.get('content-encoding') || '').trim().toLowerCase();
      if (encoding && encoding !== 'identity') throw new AppError(415, 'unsupported_content_encoding', 'Content-Encoding not supported');
      await board(ctx, next);
      withoutStackTraces(ctx);
    });
  };
}

/**
 * bull-board shows each failed job's stack trace, and some of its errors carry one: absolute paths and code
 * layout that operators do not need. The failure's reason is kept; the traces are dropped.
 */
function withoutStackTraces(ctx: Context): void {
  if (ctx.status >= 500) {
    ctx.body = { error: 'Internal server error', code: 'internal_error' };
    return;
  }
  if (ctx.body && typeof ctx.body === 'object' && !Buffer.isBuffer(ctx.body) && !(ctx.body instanceof Stream)) {
    ctx.body = scrub(ctx.body);
  }
}

function scrub(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(scrub);
  if (!value || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (key === 'stacktrace') out[key] = [];
    else if (key === 'stack' || key === 'details') continue;
    else out[key] = scrub(inner);
  }
  return out;
}
