import { pruneNotFoundComparisons } from '../db/tables/guild-comparisons.js';
import type { WorkerContext } from './context.js';
import { assertSchedules } from './scheduler.js';
import { requeueFailedRefreshes } from './sweep.js';

/**
 * What every worker does every SCHEDULE_CHECK_INTERVAL on its own timer, so none of it depends on state Redis
 * may lose: re-create any periodic job's scheduler that has gone, re-enqueue refreshes that failed for reasons
 * other than Battle.net, and prune comparison rows of guilds WarcraftLogs does not know once their not-found
 * window has passed. Returns the function that stops it.
 */
export function startMaintenance(ctx: WorkerContext): () => void {
  let running: Promise<void> | undefined;
  const tasks: Array<[string, () => Promise<unknown>]> = [
    [
      'periodic jobs could not be checked',
      async () => {
        const created = await assertSchedules(ctx);
        if (created.length) ctx.logger.info({ schedulers: created }, 'periodic jobs scheduled');
      },
    ],
    ['failed refreshes could not be swept', () => requeueFailedRefreshes(ctx)],
    [
      'not-found comparisons could not be pruned',
      async () => {
        const before = new Date(ctx.clock.now().getTime() - ctx.config.notFoundCacheTtl * 1000);
        const pruned = await pruneNotFoundComparisons(ctx.orm.em.fork(), before);
        if (pruned) ctx.logger.info({ pruned }, 'not-found comparisons pruned');
      },
    ],
  ];
  const run = () => {
    running ??= (async () => {
      for (const [failure, task] of tasks) {
        await task().catch((err: Error) => ctx.logger.warn({ reason: err.message }, `${failure}, will retry`));
      }
    })().finally(() => {
      running = undefined;
    });
    return running;
  };
  const timer = setInterval(() => void run(), ctx.config.scheduleCheckInterval * 1000);
  timer.unref();
  return () => clearInterval(timer);
}
