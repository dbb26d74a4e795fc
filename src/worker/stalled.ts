import type { Job } from 'bullmq';
import type { Logger } from '../logger.js';

/** BullMQ's reason for a job failed because it stalled more than `maxStalledCount` times. */
export const STALLED_TOO_OFTEN = 'job stalled more than allowable limit';

/**
 * BullMQ fails a job that stalled too often without looking at its attempts, although a stall is a crash of
 * whoever held it, not a fault of the job. Such a job is put back while it has attempts left: each of these
 * failures uses one, so a job that really crashes every worker that runs it still ends, after its attempts.
 */
export async function retryIfStalledTooOften(job: Job | undefined, err: Error, logger: Logger): Promise<boolean> {
  if (!job || err.message !== STALLED_TOO_OFTEN) return false;
  const attempts = job.opts.attempts ?? 1;
  if (job.attemptsMade >= attempts) return false;
  try {
    await job.retry('failed');
    logger.warn({ queue: job.queueName, jobId: job.id, attemptsMade: job.attemptsMade, attempts }, 'job stalled too often, retried with its remaining attempts');
    return true;
  } catch (retryErr) {
    logger.warn({ queue: job.queueName, jobId: job.id, reason: (retryErr as Error).message }, 'stalled job could not be retried');
    return false;
  }
}
