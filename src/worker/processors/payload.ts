import { UnrecoverableError, type Job, type WorkerOptions } from 'bullmq';
import type { z } from 'zod';

/** A job's data checked against its queue's schema; a malformed job can never succeed, so it fails at once. */
export function jobPayload<S extends z.ZodType>(schema: S, job: Job): z.infer<S> {
  const parsed = schema.safeParse(job.data);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  throw new UnrecoverableError(`invalid ${job.queueName} job data (${problems.join('; ')})`);
}

/**
 * Jobs here take well under a second and their writes are idempotent, so a replica that dies mid-job should
 * hand its jobs back quickly: a lock lapses 6 s after its last renewal (renewed every 3 s while a job runs,
 * whatever the job's length) and lapsed jobs are re-queued on the next 3 s check, instead of BullMQ's
 * 30 s + 30 s. A false alarm (an event loop blocked for seconds) only costs a harmless re-run.
 * A crash loop (a worker killed again and again while it holds the same jobs) stalls a job once per crash, and
 * BullMQ fails a job outright once it stalls more than `maxStalledCount` times, whatever attempts it has left;
 * five are tolerated, and a job failed that way anyway is retried with its remaining attempts (see stalled.ts).
 */
export const SHORT_JOB_LOCKS: Partial<WorkerOptions> = Object.freeze({
  lockDuration: 6_000,
  stalledInterval: 3_000,
  maxStalledCount: 5,
});
