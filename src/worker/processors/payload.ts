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
 * hand its jobs back quickly: a lock lapses 10 s after its last renewal (renewed every 5 s while a job
 * runs) and lapsed jobs are re-queued on the next 5 s check, instead of BullMQ's 30 s + 30 s.
 * Two stalls are tolerated before a job is failed, for a crash followed by a second one during recovery.
 */
export const SHORT_JOB_LOCKS: Partial<WorkerOptions> = Object.freeze({
  lockDuration: 10_000,
  stalledInterval: 5_000,
  maxStalledCount: 2,
});
