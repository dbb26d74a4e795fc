import type { Job, WorkerOptions } from 'bullmq';
import type { JobKindName, PayloadOf } from '../../queue/registry.js';
import type { QueueKey } from '../../queue/queues.js';
import type { WorkerContext } from '../context.js';
import type { JobSubject } from '../job-log.js';
import { characterActivityProcessor } from './character-activity.js';
import { characterRefreshProcessor, characterRefreshWorker } from './character-refresh.js';
import { guildComparisonProcessor, guildComparisonWorker } from './guild-comparison.js';
import { guildSyncProcessor, guildSyncWorker, syncAllTrackedProcessor } from './guild-sync.js';
import {
  drainInboxProcessor, inboxEventProcessor, membershipEventProcessor, membershipEventsWorker,
} from './membership-events.js';
import { eventDeliveryProcessor, outboundCheckProcessor, outboundWorker, resetDigestProcessor } from './outbound.js';

/** Runs one job of a kind, given its payload already checked against the kind's schema. */
export type ProcessJob<K extends JobKindName> = (payload: PayloadOf<K>, job: Job, token: string | undefined) => Promise<unknown>;

export interface JobProcessor<K extends JobKindName> {
  /** What a job is about, for its log line; read from the unchecked data so a malformed job is still attributed. */
  subject?: (data: Partial<PayloadOf<K>>) => JobSubject;
  create: (ctx: WorkerContext) => ProcessJob<K>;
}

/** One processor per job kind: a kind missing here is a type error, and a missing entry stops start-up. */
export type ProcessorRegistry = { [K in JobKindName]: JobProcessor<K> };

export const PROCESSORS: ProcessorRegistry = {
  characterRefresh: characterRefreshProcessor,
  characterActivity: characterActivityProcessor,
  guildSync: guildSyncProcessor,
  syncAllTracked: syncAllTrackedProcessor,
  guildComparison: guildComparisonProcessor,
  inboxEvent: inboxEventProcessor,
  drainInbox: drainInboxProcessor,
  membershipEvent: membershipEventProcessor,
  eventDelivery: eventDeliveryProcessor,
  resetDigest: resetDigestProcessor,
  outboundCheck: outboundCheckProcessor,
};

/** Worker options of each queue (concurrency, limiter, locks): one BullMQ worker per queue runs all its kinds. */
export const QUEUE_WORKERS: Record<QueueKey, (ctx: WorkerContext) => Partial<WorkerOptions>> = {
  characterRefresh: characterRefreshWorker,
  guildSync: guildSyncWorker,
  guildComparison: guildComparisonWorker,
  membershipEvents: membershipEventsWorker,
  outbound: outboundWorker,
};
