import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { KoaAdapter } from '@bull-board/koa';
import type { Middleware } from 'koa';
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
    await guard(ctx, () => board(ctx, next));
  };
}
