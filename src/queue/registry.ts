import type { z } from 'zod';
import { characterActivityJob } from './character-activity.js';
import { characterRefreshJob } from './character-refresh.js';
import { guildComparisonJob } from './guild-comparison.js';
import { guildSyncJob, syncAllTrackedJob } from './guild-sync.js';
import { drainInboxJob, inboxEventJob } from './inbox-event.js';
import { membershipEventJob } from './membership-event.js';
import { eventDeliveryJob, outboundCheckJob, resetDigestJob } from './outbound.js';

/**
 * Every kind of job, by kind. Producers enqueue through an entry (`JOBS.guildSync.enqueue(queues, payload)`),
 * so an unknown kind or a payload of the wrong shape is a type error; the worker has one processor per kind
 * and refuses to start while a kind has none. A new kind is one module in src/queue plus one line here and
 * one processor in the worker's registry.
 */
export const JOBS = {
  characterRefresh: characterRefreshJob,
  characterActivity: characterActivityJob,
  guildSync: guildSyncJob,
  syncAllTracked: syncAllTrackedJob,
  guildComparison: guildComparisonJob,
  inboxEvent: inboxEventJob,
  drainInbox: drainInboxJob,
  membershipEvent: membershipEventJob,
  eventDelivery: eventDeliveryJob,
  resetDigest: resetDigestJob,
  outboundCheck: outboundCheckJob,
} as const;

export type JobKindName = keyof typeof JOBS;
export type PayloadOf<K extends JobKindName> = z.infer<(typeof JOBS)[K]['schema']>;
export const JOB_KIND_NAMES = Object.keys(JOBS) as JobKindName[];
