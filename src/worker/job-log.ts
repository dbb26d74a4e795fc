import { DelayedError, RateLimitError, type Job } from 'bullmq';
import type { WorkerContext } from './context.js';

/** What a job is about, for its log line. Never tokens or user data beyond ids and character names. */
export interface JobSubject {
  guildId?: number;
  character?: string;
}

/** Errors already logged by `runLogged`, so the runtime's failure handler does not log them twice. */
const loggedErrors = new WeakSet<Error>();
export const wasLogged = (err: Error): boolean => loggedErrors.has(err);

const statusOf = (result: unknown): string =>
  typeof result === 'object' && result !== null && 'status' in result ? String((result as { status: unknown }).status) : 'ok';

/**
 * Runs one job and writes exactly one structured line about it: ids, queue, subject, outcome and duration.
 * A pause (rate limit, delay) is logged as such rather than as a failure, since it uses no attempt.
 */
export async function runLogged<T>(ctx: WorkerContext, job: Job, subject: JobSubject, run: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const line = () => ({
    jobId: job.id,
    queue: job.queueName,
    job: job.name,
    attempt: job.attemptsMade + 1,
    ...subject,
    durationMs: Math.round(performance.now() - started),
  });
  try {
    const result = await run();
    ctx.logger.info({ ...line(), outcome: statusOf(result) }, 'job done');
    return result;
  } catch (err) {
    const error = err instanceof Error ? err : new Error(String(err));
    if (error instanceof RateLimitError || error instanceof DelayedError) {
      ctx.logger.info({ ...line(), outcome: error instanceof RateLimitError ? 'rate_limited' : 'delayed' }, 'job paused');
    } else {
      ctx.logger.warn({ ...line(), outcome: 'failed', reason: error.message, final: error.name === 'UnrecoverableError' }, 'job failed');
      loggedErrors.add(error);
    }
    throw error;
  }
}
