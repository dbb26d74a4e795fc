import type { JobType } from 'bullmq';
import type { WorkerContext } from './context.js';

const STATES: JobType[] = ['waiting', 'prioritized', 'active', 'delayed', 'failed', 'waiting-children'];

/** A scrape waits this long for the counts at most; past it the gauge keeps the previous sample. */
const SAMPLE_TIMEOUT_MS = 1000;

/**
 * Samples every queue's job counts into the queue-depth gauge, so alerts can watch backlogs and failures without
 * anyone opening the dashboard. It runs when /metrics is scraped, not on a timer: the counts are then as fresh as
 * the scrape, and an idle worker that nobody scrapes spends nothing on them. The queues' connection waits for
 * Redis rather than failing, so a scrape with Redis away waits at most SAMPLE_TIMEOUT_MS and keeps the last sample.
 */
export async function sampleQueueDepth(ctx: WorkerContext, timeoutMs = SAMPLE_TIMEOUT_MS): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const sampled = Promise.all(Object.values(ctx.queues).map(async (queue) => [queue.name, await queue.getJobCounts(...STATES)] as const));
  try {
    const counts = await Promise.race([
      sampled,
      new Promise<undefined>((resolve) => {
        timer = setTimeout(() => resolve(undefined), timeoutMs);
      }),
    ]);
    if (!counts) {
      ctx.logger.debug('queue depth not sampled in time');
      return;
    }
    for (const [name, byState] of counts) {
      for (const state of STATES) ctx.metrics.queueDepth.set({ queue: name, state }, byState[state] ?? 0);
    }
  } catch (err) {
    ctx.logger.debug({ err: String(err) }, 'queue depth not sampled');
  } finally {
    clearTimeout(timer);
  }
}
