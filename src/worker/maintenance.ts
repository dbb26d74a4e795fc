import type { WorkerContext } from './context.js';
import { assertSchedules } from './scheduler.js';
import { requeueFailedRefreshes } from './sweep.js';

/**
 * What every worker does every SCHEDULE_CHECK_INTERVAL on its own timer, so none of it depends on state Redis
 * may lose: re-create any periodic job's scheduler that has gone, and re-enqueue refreshes that failed for
 * reasons other than Battle.net. Returns the function that stops it.
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
