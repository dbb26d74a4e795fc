import { z } from 'zod';
import { defineJob } from './job-kind.js';
import { characterNameSchema, nameKey, realmSlugSchema, regionSchema } from './schemas.js';

export const characterActivityPayloadSchema = z.object({
  region: regionSchema,
  realm: realmSlugSchema,
  name: characterNameSchema,
});
export type CharacterActivityPayload = z.infer<typeof characterActivityPayloadSchema>;

export const activityJobKey = (region: string, realm: string, name: string): string => `activity_${region}_${realm}_${nameKey(name)}`;

/** After every refresh a reader or a sync is waiting for: activity never delays gear. Lower is sooner in BullMQ. */
export const ACTIVITY_PRIORITY = 50;

/**
 * A character's Mythic+ and raid activity, queued by a character refresh (after the gear is saved) when the
 * character logged in since activity was last fetched. It runs on the refresh queue, under the same rate limit,
 * after every waiting refresh; one per character waits or runs at a time.
 */
export const characterActivityJob = defineJob({
  queue: 'characterRefresh',
  name: 'activity',
  schema: characterActivityPayloadSchema,
  options: {
    attempts: 3,
    backoff: { type: 'exponential', delay: 5000 },
    removeOnComplete: { age: 3600, count: 10000 },
    removeOnFail: { age: 7 * 24 * 3600, count: 10000 },
    priority: ACTIVITY_PRIORITY,
  },
  perJob: (p) => ({ deduplication: { id: activityJobKey(p.region, p.realm, p.name) } }),
});
