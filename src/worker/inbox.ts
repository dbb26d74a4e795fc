import { UnrecoverableError, type Job } from 'bullmq';
import { z } from 'zod';
import {
  loadWebhookEvent, markWebhookEventDone, pendingWebhookEvents, recordWebhookEventFailure, settleRosterChanges,
} from '../db/tables/processed-webhook-events.js';
import { enqueueInboxEvent, type InboxEventPayload } from '../queue/inbox-event.js';
import { eventJobId, webhookEnvelopeSchema, webhookEventSchema, type WebhookEvent } from '../queue/membership-event.js';
import type { WorkerContext } from './context.js';

/** What a drain re-queues at most per run; the next run takes the rest. */
const DRAIN_BATCH = 1000;

const storedEventSchema = z.intersection(webhookEnvelopeSchema.omit({ type: true, data: true }), webhookEventSchema);

export interface InboxResult {
  status: 'ok' | 'ignored';
  reason?: string;
}

/**
 * Applies the inbox event a job names, once: an event already done (a re-queued reminder, a second replica)
 * is skipped. A failed attempt is counted on the row; the last one leaves it `failed`.
 */
export async function processInboxEvent(
  ctx: WorkerContext,
  { seq }: InboxEventPayload,
  job: Job,
  apply: (event: WebhookEvent) => Promise<InboxResult>,
): Promise<InboxResult> {
  const stored = await loadWebhookEvent(ctx.orm, seq);
  if (!stored) throw new UnrecoverableError(`no inbox event ${seq}`);
  if (stored.state !== 'pending') return { status: 'ignored', reason: `already ${stored.state}` };
  const parsed = storedEventSchema.safeParse(stored.payload);
  if (!parsed.success) {
    await recordWebhookEventFailure(ctx.orm, seq, 'stored payload does not match its type', true);
    throw new UnrecoverableError(`inbox event ${seq} has an invalid payload`);
  }
  const event = parsed.data as WebhookEvent;
  try {
    // The resync this enqueues reads the whole roster, so it settles every roster change of the guild so far.
    if (event.type === 'guild.roster_changed') await settleRosterChanges(ctx.orm, event.guild_id);
    const result = await apply(event);
    await markWebhookEventDone(ctx.orm, seq);
    return result;
  } catch (err) {
    const isFinal = err instanceof UnrecoverableError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    await recordWebhookEventFailure(ctx.orm, seq, (err as Error).message, isFinal).catch(() => undefined);
    throw err;
  }
}

/**
 * Puts every pending inbox event back on the queue, oldest first. Events whose reminder is still queued are
 * left alone (the job id is derived from the event id); a reminder that failed without the row knowing it
 * (a crash loop, a lost lock) is retried. After Redis lost its data this restores every accepted event.
 */
export async function drainInbox(ctx: WorkerContext): Promise<number> {
  const queue = ctx.queues.membershipEvents;
  const pending = await pendingWebhookEvents(ctx.orm, DRAIN_BATCH);
  let queued = 0;
  for (const event of pending) {
    if (event.type !== 'guild.roster_changed') {
      const existing = await queue.getJob(eventJobId(event.id));
      if (existing && (await existing.isFailed())) {
        await existing.retry('failed');
        continue;
      }
      // Completed yet still pending: the run applied it but could not record that. Applying again is harmless.
      if (existing && (await existing.isCompleted())) await existing.remove();
      else if (existing) continue;
    }
    await enqueueInboxEvent(ctx.queues, event);
    queued += 1;
  }
  if (queued > 0) ctx.logger.info({ queued, pending: pending.length }, 'inbox drained');
  return queued;
}
