import type { WorkerOptions } from 'bullmq';
import type { WorkerContext } from '../context.js';
import { deliverEvent } from '../event-delivery.js';
import { checkResets, sendResetDigest } from '../reset-digests.js';
import type { JobProcessor } from './index.js';
import { SHORT_JOB_LOCKS } from './payload.js';

/** A few deliveries at once: each waits at most the outbound timeout on someone else's server. */
export const outboundWorker = (): Partial<WorkerOptions> => ({ concurrency: 4, ...SHORT_JOB_LOCKS });

export const eventDeliveryProcessor: JobProcessor<'eventDelivery'> = {
  create: (ctx: WorkerContext) => (payload, job) => deliverEvent(ctx, payload.deliveryId, job),
};

export const resetDigestProcessor: JobProcessor<'resetDigest'> = {
  subject: (data) => ({ guildId: data.guildId }),
  create: (ctx: WorkerContext) => (payload) => sendResetDigest(ctx, payload),
};

export const outboundCheckProcessor: JobProcessor<'outboundCheck'> = {
  create: (ctx: WorkerContext) => async () => ({ digestsQueued: await checkResets(ctx) }),
};
