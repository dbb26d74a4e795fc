import type { Job } from 'bullmq';
import { findDelivery, recordAttempt } from '../db/tables/event-deliveries.js';
import { findEndpointById, recordEndpointFailure, recordEndpointSuccess } from '../db/tables/event-endpoints.js';
import { describeOutcome, isSuccess, outcomeOf, sendOutbound, type OutboundPolicy } from '../outbound/client.js';
import { unseal } from '../outbound/sealed.js';
import { signedHeaders } from '../outbound/signing.js';
import type { WorkerContext } from './context.js';

/** An endpoint whose every delivery has failed for this long is disabled, with the reason. */
export const DISABLE_FAILING_ENDPOINT_AFTER_MS = 24 * 3600 * 1000;

export type DeliveryResult = { status: 'delivered' | 'failed' | 'skipped'; reason?: string };

export const outboundPolicyOf = (ctx: Pick<WorkerContext, 'config'>): OutboundPolicy => ({
  allowLoopbackForTests: ctx.config.outboundAllowLoopbackForTests,
});

/**
 * One attempt at one delivery: signed now, sent through the outbound safety module, recorded. A failure throws
 * so BullMQ retries it with backoff (the same body, so the same event id) until its attempts run out; a failure
 * that completes a day of failures disables the endpoint and ends the delivery.
 */
export async function deliverEvent(ctx: WorkerContext, deliveryId: number, job: Job): Promise<DeliveryResult> {
  const em = ctx.orm.em.fork();
  const delivery = await findDelivery(em, deliveryId);
  if (!delivery || delivery.status !== 'pending') return { status: 'skipped', reason: delivery ? `already ${delivery.status}` : 'gone' };
  const endpoint = await findEndpointById(em, delivery.endpointId);
  const now = ctx.clock.now();
  if (!endpoint) return { status: 'skipped', reason: 'endpoint deleted' };
  if (endpoint.disabledAt) {
    await recordAttempt(em, deliveryId, { status: 'failed', statusCode: null, error: `endpoint disabled: ${endpoint.disabledReason ?? ''}`, at: now });
    return { status: 'failed', reason: 'endpoint disabled' };
  }
  const secret = unseal(ctx.config.secretKey, endpoint.secretSealed);
  const result = await sendOutbound(outboundPolicyOf(ctx), {
    url: endpoint.url,
    headers: signedHeaders(secret, delivery.eventId, delivery.body),
    body: delivery.body,
  });
  const statusCode = result.kind === 'response' ? result.status : null;
  ctx.metrics.outboundDeliveries.inc({ kind: 'event', outcome: outcomeOf(result) });
  if (isSuccess(result)) {
    await recordAttempt(em, deliveryId, { status: 'delivered', statusCode, error: null, at: now });
    await recordEndpointSuccess(em, endpoint.id, now);
    return { status: 'delivered' };
  }
  const error = describeOutcome(result);
  const disabled = await recordEndpointFailure(em, endpoint.id, now, error, DISABLE_FAILING_ENDPOINT_AFTER_MS);
  const isLastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
  if (disabled || isLastAttempt) {
    await recordAttempt(em, deliveryId, { status: 'failed', statusCode, error, at: now });
    if (disabled) ctx.logger.warn({ endpointId: endpoint.id, guildId: endpoint.guildId }, 'event endpoint disabled after a day of failures');
    return { status: 'failed', reason: error };
  }
  await recordAttempt(em, deliveryId, { status: 'pending', statusCode, error, at: now });
  throw new Error(`delivery ${deliveryId} failed: ${error}`);
}
