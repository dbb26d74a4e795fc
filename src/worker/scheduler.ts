import type { JobsOptions, Queue } from 'bullmq';
import { INBOX_DRAIN_JOB, INBOX_DRAIN_SCHEDULER_ID } from '../queue/inbox-event.js';
import { SYNC_ALL_JOB, SYNC_ALL_SCHEDULER_ID } from '../queue/guild-sync.js';
import type { WorkerContext } from './context.js';

/** A job run every `everyMs` by a BullMQ job scheduler. */
export interface PeriodicJob {
  schedulerId: string;
  queue: Queue;
  name: string;
  everyMs: number;
}

const periodicJobOptions: JobsOptions = { removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } };

/** Every periodic job of the worker. */
export function periodicJobs(ctx: WorkerContext): PeriodicJob[] {
  return [
    // The periodic sync of every tracked guild: the repair path for anything webhooks missed.
    { schedulerId: SYNC_ALL_SCHEDULER_ID, queue: ctx.queues.guildSync, name: SYNC_ALL_JOB, everyMs: ctx.config.guildSyncInterval * 1000 },
    // Re-queues webhook events still pending in the inbox, e.g. after Redis lost the jobs naming them.
    { schedulerId: INBOX_DRAIN_SCHEDULER_ID, queue: ctx.queues.membershipEvents, name: INBOX_DRAIN_JOB, everyMs: ctx.config.inboxDrainInterval * 1000 },
  ];
}

/**
 * Creates each periodic job's scheduler unless it exists with the same interval. A scheduler lives in Redis,
 * so a Redis that restarts without its data, fails over or is flushed loses it; every worker therefore calls
 * this at start and again every SCHEDULE_CHECK_INTERVAL, and the scheduler id makes all of them one schedule.
 * An existing schedule is left alone, so the checks never postpone its next run. The first run of a created
 * schedule is one interval later: a fresh deployment should not sync everything at once.
 * Answers the ids of the schedulers it had to create.
 */
export async function assertSchedules(ctx: WorkerContext): Promise<string[]> {
  const created: string[] = [];
  for (const job of periodicJobs(ctx)) {
    const existing = await job.queue.getJobScheduler(job.schedulerId);
    if (existing && Number(existing.every) === job.everyMs) continue;
    await job.queue.upsertJobScheduler(
      job.schedulerId,
      { every: job.everyMs, startDate: Date.now() + job.everyMs },
      { name: job.name, data: {}, opts: periodicJobOptions },
    );
    created.push(job.schedulerId);
  }
  return created;
}
