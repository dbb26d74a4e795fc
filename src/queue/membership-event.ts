import { createHash } from 'node:crypto';
import type { JobsOptions } from 'bullmq';
import { z } from 'zod';
import { defineJob } from './job-kind.js';
import { realmInputSchema } from './schemas.js';

/** Text that ends up in PostgreSQL, which cannot store U+0000: refused with the webhook instead of failing its job. */
const storable = (min: number, max: number) =>
  z.string().min(min).max(max).refine((value) => !value.includes('\u0000'), 'must not contain NUL characters');

const member = {
  character_name: storable(1, 64),
  realm: realmInputSchema.optional(),
  bnet_id: z.number().int().nonnegative(),
};

/** The webhook event types of guild-api, each with its own data shape. */
export const webhookEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('member.joined'), data: z.object({ ...member, rank_id: z.number().int().min(0), rank_name: storable(0, 100) }) }),
  z.object({ type: z.literal('member.left'), data: z.object(member) }),
  z.object({
    type: z.literal('member.rank_changed'),
    data: z.object({ ...member, old_rank_id: z.number().int().min(0).nullable().optional(), rank_id: z.number().int().min(0), rank_name: storable(0, 100) }),
  }),
  z.object({ type: z.literal('guild.roster_changed'), data: z.object({}).passthrough() }),
  z.object({ type: z.literal('user.characters_changed'), data: z.object({ bnet_id: z.number().int().nonnegative() }) }),
]);

export const WEBHOOK_EVENT_TYPES = webhookEventSchema.options.map((o) => o.shape.type.value);

export const webhookEnvelopeSchema = z.object({
  id: storable(1, 200),
  type: z.string().min(1).max(100),
  // guild-api's ids fit PostgreSQL's integer, as on the api's routes.
  guild_id: z.number().int().positive().max(2_147_483_647),
  occurred_at: z.iso.datetime({ offset: true }),
  data: z.unknown(),
});

export type WebhookEvent = z.infer<typeof webhookEventSchema> & { id: string; guild_id: number; occurred_at: string };

export const membershipEventOptions: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { age: 3600, count: 10000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 10000 },
};

/** A webhook event as job data: the envelope's ids with the typed event. */
export const membershipEventPayloadSchema = z.intersection(webhookEnvelopeSchema.omit({ type: true, data: true }), webhookEventSchema);

/**
 * A whole event on the queue, bypassing the inbox (tools and tests that drive the worker directly). The job
 * id is a digest of the event id, so a redelivered event is never applied twice and distinct ids never collide.
 */
export const membershipEventJob = defineJob({
  queue: 'membershipEvents',
  name: 'membership-event',
  schema: membershipEventPayloadSchema,
  options: membershipEventOptions,
  perJob: (event) => ({ jobId: eventJobId(event.id) }),
});

/**
 * The job id of guild-api's event id: a digest, so ids that differ only in punctuation (`a.1`, `a-1`), contain
 * characters BullMQ refuses (`:`) or are long never share a job.
 */
export const eventJobId = (eventId: string): string => `evt_${createHash('sha256').update(eventId, 'utf8').digest('hex')}`;
