import type { Job, JobsOptions, Queue } from 'bullmq';
import { z } from 'zod';
import { realmSlugSchema } from './schemas.js';

const member = {
  character_name: z.string().min(1).max(64),
  realm: realmSlugSchema.optional(),
  bnet_id: z.number().int().nonnegative(),
};

/** The webhook event types of guild-api, each with its own data shape. */
export const webhookEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('member.joined'), data: z.object({ ...member, rank_id: z.number().int().min(0), rank_name: z.string().max(100) }) }),
  z.object({ type: z.literal('member.left'), data: z.object(member) }),
  z.object({
    type: z.literal('member.rank_changed'),
    data: z.object({ ...member, old_rank_id: z.number().int().min(0).nullable().optional(), rank_id: z.number().int().min(0), rank_name: z.string().max(100) }),
  }),
  z.object({ type: z.literal('guild.roster_changed'), data: z.object({}).passthrough() }),
  z.object({ type: z.literal('user.characters_changed'), data: z.object({ bnet_id: z.number().int().nonnegative() }) }),
]);

export const webhookEnvelopeSchema = z.object({
  id: z.string().min(1).max(200),
  type: z.string().min(1).max(100),
  guild_id: z.number().int().positive(),
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

/** The event id is the job id, so a redelivered event can never be applied twice. */
export function enqueueMembershipEvent(queue: Queue, event: WebhookEvent): Promise<Job> {
  const jobId = `evt_${event.id.replace(/[^A-Za-z0-9_-]/g, '-')}`;
  return queue.add(event.type, event, { ...membershipEventOptions, jobId });
}
