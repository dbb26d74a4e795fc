import { z } from 'zod';
import { defineJob } from './job-kind.js';
import { guildRefSchema } from './schemas.js';

/**
 * A guild to sync. Its members are not in the job: the api stores guild-api's member list in PostgreSQL
 * before it enqueues, and the sync reads it from there, so job data stays small for any guild size.
 * Never a user token: the worker must not act as any user.
 */
export const guildSyncPayloadSchema = z.object({
  guild: guildRefSchema,
  reason: z.enum(['tracked', 'scheduled', 'webhook', 'manual']).default('scheduled'),
});
export type GuildSyncPayload = z.infer<typeof guildSyncPayloadSchema>;

export const guildJobKey = (guildId: number): string => `guild_${guildId}`;

/**
 * One sync per guild at a time. A sync requested while one runs is kept (the latest data wins) and runs
 * after it, so a roster change during a sync is never lost.
 */
export const guildSyncJob = defineJob({
  queue: 'guildSync',
  name: 'sync',
  schema: guildSyncPayloadSchema,
  options: {
    attempts: 5,
    backoff: { type: 'exponential', delay: 5000 },
    removeOnComplete: { age: 3600, count: 1000 },
    removeOnFail: { age: 7 * 24 * 3600, count: 1000 },
  },
  perJob: (p) => ({ deduplication: { id: guildJobKey(p.guild.id), keepLastIfActive: true } }),
});

/** The scheduler's periodic job: fans out a sync for every tracked guild. */
export const syncAllTrackedJob = defineJob({
  queue: 'guildSync',
  name: 'sync-all-tracked',
  schema: z.object({}),
  options: { removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } },
});
export const SYNC_ALL_SCHEDULER_ID = 'periodic-sync-of-tracked-guilds';
