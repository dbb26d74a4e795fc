import { SYNC_ALL_JOB, SYNC_ALL_SCHEDULER_ID } from '../queue/guild-sync.js';
import type { WorkerContext } from './context.js';

/**
 * Registers the periodic sync of every tracked guild. Every replica does this at start; the scheduler id makes
 * it one schedule. The first run is one interval after the schedule is first created, not at start-up: new
 * guilds are synced when the api first sees them, and a fresh deployment should not sync everything at once.
 * Upserting again keeps the job already scheduled, so restarts do not move the schedule.
 */
export async function scheduleTrackedGuildSyncs(ctx: WorkerContext): Promise<void> {
  const every = ctx.config.guildSyncInterval * 1000;
  await ctx.queues.guildSync.upsertJobScheduler(
    SYNC_ALL_SCHEDULER_ID,
    { every, startDate: Date.now() + every },
    { name: SYNC_ALL_JOB, data: {}, opts: { removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } } },
  );
}
