import Router from '@koa/router';
import { healthBody, isHealthy, probeDependencies } from '../../health.js';
import type { ApiDeps } from '../deps.js';

/** Liveness with dependency status, readiness for orchestrators, and Prometheus metrics. Never behind auth. */
export function healthRoutes(deps: ApiDeps): Router {
  const router = new Router();

  const check = () => probeDependencies(deps.orm, deps.redis, deps.metrics);

  router.get('/health', async (ctx) => {
    const status = await check();
    ctx.status = isHealthy(status) ? 200 : 503;
    ctx.set('Cache-Control', 'no-store');
    ctx.body = healthBody('progress-api', status);
  });

  router.get('/ready', async (ctx) => {
    const ready = isHealthy(await check()) && !deps.shuttingDown;
    ctx.status = ready ? 200 : 503;
    ctx.body = { ready };
  });

  router.get('/metrics', async (ctx) => {
    // The up gauges are measured at scrape time: a scrape alone must not report a dependency as down.
    await check();
    const pool = poolStats(deps);
    deps.metrics.dbPoolInUse.set(pool.inUse);
    deps.metrics.dbPoolWaiting.set(pool.waiting);
    ctx.type = deps.metrics.registry.contentType;
    ctx.body = await deps.metrics.registry.metrics();
  });

  return router;
}

interface TarnPool {
  numUsed?: () => number;
  numPendingAcquires?: () => number;
}

/** Connection-pool figures from knex's tarn pool; zero when the driver does not expose them. */
function poolStats(deps: ApiDeps): { inUse: number; waiting: number } {
  const knex = deps.orm.em.getConnection().getKnex() as unknown as { client?: { pool?: TarnPool } };
  const pool = knex.client?.pool;
  return { inUse: pool?.numUsed?.() ?? 0, waiting: pool?.numPendingAcquires?.() ?? 0 };
}
