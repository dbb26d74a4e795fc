import type { JobType } from 'bullmq';
import type { WorkerContext } from './context.js';

const STATES: JobType[] = ['waiting', 'prioritized', 'active', 'delayed', 'failed', 'waiting-children'];

/**
 * Samples every queue's job counts into the queue-depth gauge, so alerts can watch backlogs and failures
 * without anyone opening the dashboard. Returns the function that stops sampling.
 */
export function watchQueueDepth(ctx: WorkerContext, intervalMs = 5000): () => void {
  let running = false;
  const sample = async () => {
    if (running) return;
    running = true;
    try {
      for (const queue of Object.values(ctx.queues)) {
        const counts = await queue.getJobCounts(...STATES);
        for (const state of STATES) ctx.metrics.queueDepth.set({ queue: queue.name, state }, counts[state] ?? 0);
      }
    } catch (err) {
      ctx.logger.debug({ err: String(err) }, 'queue depth not sampled');
    } finally {
      running = false;
    }
  };
  void sample();
  const timer = setInterval(() => void sample(), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
