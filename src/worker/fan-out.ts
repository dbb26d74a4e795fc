import type { CharacterRef } from '../db/tables/characters.js';
import type { Logger } from '../logger.js';
import { characterRefreshJob, characterRefreshPayloadSchema, type CharacterRefreshPayload } from '../queue/character-refresh.js';
import type { Queues } from '../queue/queues.js';

const BATCH = 500;

/** A character to refresh, with `seenFetchedAt` when it was found due from its stored row (see the payload's). */
export type DueCharacter = CharacterRef & { seenFetchedAt?: number | null };

/**
 * Enqueues refreshes in the given order, in batches of one round trip each, deduplicated like every character
 * refresh, so a character already waiting or running is not added twice. Names Battle.net could never resolve
 * (guild-api typos, realm suffixes) are skipped and counted.
 */
export async function enqueueRefreshes(
  queues: Queues,
  characters: readonly DueCharacter[],
  priority: number,
  reason: CharacterRefreshPayload['reason'],
  logger: Logger,
): Promise<number> {
  const payloads: CharacterRefreshPayload[] = [];
  let skipped = 0;
  for (const c of characters) {
    const parsed = characterRefreshPayloadSchema.safeParse({ region: c.region, realm: c.realm, name: c.name, reason, seenFetchedAt: c.seenFetchedAt });
    if (parsed.success) payloads.push(parsed.data);
    else skipped += 1;
  }
  if (skipped > 0) logger.warn({ skipped }, 'characters with names Battle.net cannot resolve were not refreshed');
  for (let i = 0; i < payloads.length; i += BATCH) {
    await characterRefreshJob.enqueueMany(queues, payloads.slice(i, i + BATCH), { priority });
  }
  return payloads.length;
}
