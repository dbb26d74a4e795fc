import { defineJob } from './job-kind.js';
import { z } from 'zod';
import { characterNameSchema, nameKey, realmSlugSchema, regionSchema } from './schemas.js';

export const characterRefreshPayloadSchema = z.object({
  region: regionSchema,
  realm: realmSlugSchema,
  name: characterNameSchema,
  /** The guild whose read was waiting, so its cached responses can be dropped first. */
  guildId: z.number().int().positive().optional(),
  reason: z.enum(['miss', 'stale', 'sync', 'scheduled', 'webhook', 'manual']).default('sync'),
  /**
   * The fetch instant (ms) of the stored row when the producer found the character due, null when it had
   * never been fetched: a successful fetch stored since, by another job, has already answered this one.
   */
  seenFetchedAt: z.number().int().nonnegative().nullable().optional(),
});
export type CharacterRefreshPayload = z.infer<typeof characterRefreshPayloadSchema>;

/** Stable per character: "_" separated and lower-cased, since BullMQ refuses ":" and all-digit ids. */
export const characterJobKey = (region: string, realm: string, name: string): string =>
  `char_${region}_${realm}_${nameKey(name)}`;

/** Readers waiting on a miss go first; background refreshes after. Lower is sooner in BullMQ. */
export const PRIORITY = { reader: 1, webhook: 2, background: 10 } as const;

/**
 * A refresh is added unless one for the same character is already waiting or running, in which case that job
 * is returned: a thousand simultaneous misses make one upstream fetch. Deduplication (not a job id) holds only
 * while the job waits or runs, so the character can be refreshed again as soon as it is done.
 */
export const characterRefreshJob = defineJob({
  queue: 'characterRefresh',
  name: 'refresh',
  schema: characterRefreshPayloadSchema,
  options: {
    attempts: 5,
    backoff: { type: 'exponential', delay: 2000 },
    removeOnComplete: { age: 3600, count: 10000 },
    removeOnFail: { age: 7 * 24 * 3600, count: 10000 },
  },
  perJob: (p, { priority = PRIORITY.background }: { priority?: number }) => ({
    priority,
    deduplication: { id: characterJobKey(p.region, p.realm, p.name) },
  }),
});
