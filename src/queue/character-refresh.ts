import type { Job, JobsOptions, Queue } from 'bullmq';
import { z } from 'zod';
import { characterNameSchema, nameKey, realmSlugSchema, regionSchema } from './schemas.js';

export const characterRefreshPayloadSchema = z.object({
  region: regionSchema,
  realm: realmSlugSchema,
  name: characterNameSchema,
  /** The guild whose read was waiting, so its cached responses can be dropped first. */
  guildId: z.number().int().positive().optional(),
  reason: z.enum(['miss', 'stale', 'sync', 'webhook', 'manual']).default('sync'),
});
export type CharacterRefreshPayload = z.infer<typeof characterRefreshPayloadSchema>;

/** Stable per character: "_" separated and lower-cased, since BullMQ refuses ":" and all-digit ids. */
export const characterJobKey = (region: string, realm: string, name: string): string =>
  `char_${region}_${realm}_${nameKey(name)}`;

/** Readers waiting on a miss go first; background refreshes after. Lower is sooner in BullMQ. */
export const PRIORITY = { reader: 1, webhook: 2, background: 10 } as const;

export const characterRefreshOptions: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 2000 },
  removeOnComplete: { age: 3600, count: 10000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 10000 },
};

/**
 * Adds a refresh unless one for the same character is already waiting or running, in which case that job
 * is returned: a thousand simultaneous misses make one upstream fetch.
 */
export function enqueueCharacterRefresh(
  queue: Queue,
  payload: CharacterRefreshPayload,
  priority: number = PRIORITY.background,
): Promise<Job> {
  const key = characterJobKey(payload.region, payload.realm, payload.name);
  return queue.add('refresh', payload, { ...characterRefreshOptions, priority, deduplication: { id: key } });
}
