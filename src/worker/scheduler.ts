import { drainInboxJob, INBOX_DRAIN_SCHEDULER_ID } from '../queue/inbox-event.js';
import { SYNC_ALL_SCHEDULER_ID, syncAllTrackedJob } from '../queue/guild-sync.js';
import { OUTBOUND_CHECK_EVERY_MS, OUTBOUND_CHECK_SCHEDULER_ID, outboundCheckJob } from '../queue/outbound.js';
import type { WorkerContext } from './context.js';

/** A job kind (whose payload is empty) run every `everyMs` by a BullMQ job scheduler. */
export interface PeriodicJob {
  schedulerId: string;
  job: typeof syncAllTrackedJob | typeof drainInboxJob | typeof outboundCheckJob;
  everyMs: number;
}

/** Every periodic job of the worker. */
export function periodicJobs(ctx: WorkerContext): PeriodicJob[] {
  return [
    // The periodic sync of every tracked guild: the repair path for anything webhooks missed.
    { schedulerId: SYNC_ALL_SCHEDULER_ID, job: syncAllTrackedJob, everyMs: ctx.config.guildSyncInterval * 1000 },
    // Re-queues webhook events still pending in the inbox, e.g. after Redis lost the jobs naming them.
    { schedulerId: INBOX_DRAIN_SCHEDULER_ID, job: drainInboxJob, everyMs: ctx.config.inboxDrainInterval * 1000 },
    // Notices each region's weekly reset (reset digests, fell-behind events) and re-queues stranded deliveries.
    { schedulerId: OUTBOUND_CHECK_SCHEDULER_ID, job: outboundCheckJob, everyMs: OUTBOUND_CHECK_EVERY_MS },
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
  for (const periodic of periodicJobs(ctx)) {
    const existing = await ctx.queues[periodic.job.queue].getJobScheduler(periodic.schedulerId);
    if (existing && Number(existing.every) === periodic.everyMs) continue;
    await periodic.job.schedule(ctx.queues, periodic.schedulerId, { every: periodic.everyMs, startDate: Date.now() + periodic.everyMs }, {});
    created.push(periodic.schedulerId);
  }
  return created;
}
