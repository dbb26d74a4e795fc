import type { JobsOptions } from 'bullmq';
import { z } from 'zod';
import { defineJob } from './job-kind.js';
import { eventJobId, membershipEventOptions } from './membership-event.js';
import type { Queues } from './queues.js';

/**
 * "Apply inbox event N": the only thing the membership-events queue carries for a webhook. The event itself
 * lives in PostgreSQL, so a Redis that loses its data loses at most this reminder, which the worker's drain
 * puts back.
 */
export const inboxEventPayloadSchema = z.object({ seq: z.number().int().positive() });
export type InboxEventPayload = z.infer<typeof inboxEventPayloadSchema>;

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

/** The job options follow the event the reminder names (its type, id and guild), which the job data leaves out. */
export const inboxEventJob = defineJob({
  queue: 'membershipEvents',
  name: 'inbox-event',
  schema: inboxEventPayloadSchema,
  options: membershipEventOptions,
  perJob: (_payload, { event }: { event: InboxEventRefLike }) => inboxEventOptions(event),
});

/** Re-queues one stored event: "apply event N", nothing more. */
export const enqueueInboxEvent = (queues: Queues, event: InboxEventRefLike) => inboxEventJob.enqueue(queues, { seq: event.seq }, { event });

/** The periodic job that re-queues every event still pending in the inbox. */
export const drainInboxJob = defineJob({
  queue: 'membershipEvents',
  name: 'drain-inbox',
  schema: z.object({}),
  options: { removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } },
});
