import type { Processor, WorkerOptions } from 'bullmq';
import type { QueueName } from '../../queue/names.js';
import type { WorkerContext } from '../context.js';
import { characterRefreshProcessor } from './character-refresh.js';
import { guildComparisonProcessor } from './guild-comparison.js';
import { guildSyncProcessor } from './guild-sync.js';
import { membershipEventsProcessor } from './membership-events.js';

export interface ProcessorModule {
  queue: QueueName;
  /** Worker options of this queue (concurrency, limiter). */
  options: (ctx: WorkerContext) => Partial<WorkerOptions>;
  create: (ctx: WorkerContext) => Processor;
}

/** One module per queue; the worker refuses to start if a queue has none. */
export const PROCESSORS: ProcessorModule[] = [
  characterRefreshProcessor,
  guildSyncProcessor,
  guildComparisonProcessor,
  membershipEventsProcessor,
];
