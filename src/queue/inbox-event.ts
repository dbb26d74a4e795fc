import type { Job, JobsOptions, Queue } from 'bullmq';
import { z } from 'zod';
import { eventJobId, membershipEventOptions } from './membership-event.js';

/**
 * "Apply inbox event N": the only thing the membership-events queue carries for a webhook. The event itself
 * lives in PostgreSQL, so a Redis that loses its data loses at most this reminder, which the worker's drain
 * puts back.
 */
export const INBOX_EVENT_JOB = 'inbox-event';
export const inboxEventPayloadSchema = z.object({ seq: z.number().int().positive() });
export type InboxEventPayload = z.infer<typeof inboxEventPayloadSchema>;

/** The periodic job that re-queues every event still pending in the inbox. */
export const INBOX_DRAIN_JOB = 'drain-inbox';
export const INBOX_DRAIN_SCHEDULER_ID = 'periodic-drain-of-webhook-inbox';

/**
 * guild-api sends a roster change per edit, so a bulk edit arrives as a burst. Held back this long and
 * deduplicated per guild, a burst becomes one full resync; the events folded into it are settled by it.
 */
export const ROSTER_SETTLE_MS = 2000;

export interface InboxEventRefLike {
  seq: number;
  id: string;
  type: string;
  guildId: number | null;
}

export function inboxEventOptions(event: InboxEventRefLike): JobsOptions {
  if (event.type === 'guild.roster_changed') {
    return { ...membershipEventOptions, delay: ROSTER_SETTLE_MS, deduplication: { id: `roster_${event.guildId ?? 0}` } };
  }
  return { ...membershipEventOptions, jobId: eventJobId(event.id) };
}

export function enqueueInboxEvent(queue: Queue, event: InboxEventRefLike): Promise<Job> {
  const payload: InboxEventPayload = { seq: event.seq };
  return queue.add(INBOX_EVENT_JOB, payload, inboxEventOptions(event));
}
