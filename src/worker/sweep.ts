import { characterRefreshJob, characterRefreshPayloadSchema, PRIORITY } from '../queue/character-refresh.js';
import type { WorkerContext } from './context.js';

/** Failures that say something about Battle.net or the job itself: retrying them now would change nothing. */
const FINAL_REASONS = [/^Battle\.net /, /^invalid [a-z-]+ job data/];

/** How many failed refreshes one sweep looks at; the next sweep takes the next ones. */
const SWEEP_BATCH = 500;

/**
 * Puts back every character refresh that failed for a reason of our own (the database or Redis down through all
 * its attempts, a worker crashing too often while holding it), as a new job with fresh attempts. Refreshes that
 * failed because of Battle.net stay failed: the character's row already says so, and the next sync or read
 * retries it. Every worker sweeps; removing the failed job first makes each one re-enqueued once.
 */
export async function requeueFailedRefreshes(ctx: WorkerContext): Promise<number> {
  const queue = ctx.queues.characterRefresh;
  const failed = await queue.getJobs(['failed'], 0, SWEEP_BATCH - 1);
  let requeued = 0;
  for (const job of failed) {
    if (FINAL_REASONS.some((reason) => reason.test(job.failedReason ?? ''))) continue;
    const payload = characterRefreshPayloadSchema.safeParse(job.data);
    if (!payload.success) continue;
    try {
      await job.remove();
    } catch {
      continue; // another worker took it first
    }
    await characterRefreshJob.enqueue(ctx.queues, payload.data, { priority: PRIORITY.background });
    requeued += 1;
  }
  if (requeued > 0) ctx.logger.info({ requeued }, 'failed refreshes re-enqueued');
  return requeued;
}
