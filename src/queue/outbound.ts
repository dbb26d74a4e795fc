import { z } from 'zod';
import { defineJob } from './job-kind.js';

/**
 * The outbound queue: deliveries of a guild's change events to its endpoints, its reset digests, and the
 * periodic check that notices a reset and queues the digests.
 */

/** Retried with backoff (10 s, 20 s, 40 s … about 42 minutes in all); every attempt sends the same body and event id. */
export const EVENT_DELIVERY_ATTEMPTS = 8;

export const eventDeliveryJob = defineJob({
  queue: 'outbound',
  name: 'event-delivery',
  schema: z.object({ deliveryId: z.number().int().positive() }),
  options: {
    attempts: EVENT_DELIVERY_ATTEMPTS,
    backoff: { type: 'exponential', delay: 10_000 },
    removeOnComplete: { age: 24 * 3600, count: 10000 },
    removeOnFail: { age: 7 * 24 * 3600, count: 10000 },
  },
  // One job per delivery: queueing a pending delivery again (the sweep) is a no-op while its job exists.
  perJob: (p) => ({ jobId: `dlv_${p.deliveryId}` }),
});

export const resetDigestPayloadSchema = z.object({
  guildId: z.number().int().positive(),
  /** The reset instant, ISO 8601. */
  resetAt: z.iso.datetime(),
});
export type ResetDigestPayload = z.infer<typeof resetDigestPayloadSchema>;

export const resetDigestJobId = (p: ResetDigestPayload) => `digest_${p.guildId}_${Date.parse(p.resetAt)}`;

/**
 * One job per guild and reset, whoever queues it: every replica's check queues the same id, and BullMQ keeps a
 * finished job for two weeks, so it is not queued again. The row claimed in reset_digests is what makes the send
 * itself happen once.
 */
export const resetDigestJob = defineJob({
  queue: 'outbound',
  name: 'reset-digest',
  schema: resetDigestPayloadSchema,
  options: {
    attempts: 6,
    backoff: { type: 'exponential', delay: 30_000 },
    removeOnComplete: { age: 14 * 24 * 3600, count: 10000 },
    removeOnFail: { age: 14 * 24 * 3600, count: 10000 },
  },
  perJob: (p) => ({ jobId: resetDigestJobId(p) }),
});

/** Periodic: queues the digest of every guild whose region's reset passed, and queues pending deliveries again. */
export const outboundCheckJob = defineJob({
  queue: 'outbound',
  name: 'outbound-check',
  schema: z.object({}),
  options: { removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } },
});
export const OUTBOUND_CHECK_SCHEDULER_ID = 'periodic-outbound-check';
/** A minute: the digest goes out within a minute of the reset. */
export const OUTBOUND_CHECK_EVERY_MS = 60_000;
