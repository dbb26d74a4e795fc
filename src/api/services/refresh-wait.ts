import type { Job, QueueEvents } from 'bullmq';

/** How a bounded wait on a refresh job ended. */
export type WaitOutcome = 'done' | 'not_found' | 'failed' | 'timeout' | 'unavailable';

/**
 * Enqueues (or joins, thanks to the queue's deduplication) a refresh and waits at most `ms` for it.
 * A job that reports `{status: 'not_found'}` means the upstream does not know the thing asked for.
 * Never throws: Redis trouble while enqueueing is `unavailable`, so the reader gets a quick answer.
 */
export async function refreshAndWait(enqueue: () => Promise<Job>, events: QueueEvents, ms: number): Promise<WaitOutcome> {
  let job: Job;
  try {
    job = await enqueue();
  } catch {
    return 'unavailable';
  }
  try {
    const result = (await job.waitUntilFinished(events, ms)) as { status?: string } | undefined;
    return result?.status === 'not_found' ? 'not_found' : 'done';
  } catch (err) {
    return /timed out/i.test((err as Error).message) ? 'timeout' : 'failed';
  }
}
