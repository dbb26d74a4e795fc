import type { Job, JobsOptions, Queue } from 'bullmq';
import { z } from 'zod';
import { guildMemberSchema, guildRefSchema } from './schemas.js';

/**
 * A guild to sync and, when the api has just read it from guild-api, its members with owners and ranks.
 * Never a user token: the worker must not act as any user.
 */
export const guildSyncPayloadSchema = z.object({
  guild: guildRefSchema,
  members: z.array(guildMemberSchema).max(10000).optional(),
  reason: z.enum(['tracked', 'scheduled', 'webhook', 'manual']).default('scheduled'),
});
export type GuildSyncPayload = z.infer<typeof guildSyncPayloadSchema>;

/** The scheduler's periodic job: fans out a sync for every tracked guild. */
export const SYNC_ALL_JOB = 'sync-all-tracked';
export const SYNC_ALL_SCHEDULER_ID = 'periodic-sync-of-tracked-guilds';

export const guildJobKey = (guildId: number): string => `guild_${guildId}`;

export const guildSyncOptions: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 5000 },
  removeOnComplete: { age: 3600, count: 1000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 1000 },
};

/**
 * One sync per guild at a time. A sync requested while one runs is kept (the latest data wins) and runs
 * after it, so a roster change during a sync is never lost.
 */
export function enqueueGuildSync(queue: Queue, payload: GuildSyncPayload): Promise<Job> {
  return queue.add('sync', payload, {
    ...guildSyncOptions,
    deduplication: { id: guildJobKey(payload.guild.id), keepLastIfActive: true },
  });
}
