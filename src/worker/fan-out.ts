import type { Queue } from 'bullmq';
import type { CharacterRef } from '../db/projections/members.js';
import type { Logger } from '../logger.js';
import {
  characterJobKey, characterRefreshOptions, characterRefreshPayloadSchema, type CharacterRefreshPayload,
} from '../queue/character-refresh.js';

const BATCH = 500;

/**
 * Enqueues refreshes in the given order, in batches of one round trip each. Every job carries the same
 * deduplication id as `enqueueCharacterRefresh`, so a character already waiting or running is not added twice.
 * Names Battle.net could never resolve (guild-api typos, realm suffixes) are skipped and counted.
 */
export async function enqueueRefreshes(
  queue: Queue,
  characters: readonly CharacterRef[],
  priority: number,
  reason: CharacterRefreshPayload['reason'],
  logger: Logger,
): Promise<number> {
  const payloads: CharacterRefreshPayload[] = [];
  let skipped = 0;
  for (const c of characters) {
    const parsed = characterRefreshPayloadSchema.safeParse({ region: c.region, realm: c.realm, name: c.name, reason });
    if (parsed.success) payloads.push(parsed.data);
    else skipped += 1;
  }
  if (skipped > 0) logger.warn({ skipped }, 'characters with names Battle.net cannot resolve were not refreshed');
  for (let i = 0; i < payloads.length; i += BATCH) {
    await queue.addBulk(
      payloads.slice(i, i + BATCH).map((data) => ({
        name: 'refresh',
        data,
        opts: { ...characterRefreshOptions, priority, deduplication: { id: characterJobKey(data.region, data.realm, data.name) } },
      })),
    );
  }
  return payloads.length;
}
