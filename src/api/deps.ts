import type { QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { Queues } from '../queue/queues.js';
import type { Keys } from '../redis.js';

/** Everything the api's middleware and routes use, built once at start-up and passed in. */
export interface ApiDeps {
  config: Config;
  logger: Logger;
  metrics: Metrics;
  orm: MikroORM;
  /** Fails fast while Redis is down (no offline queue), so handlers can fall back at once. */
  redis: Redis;
  keys: Keys;
  queues: Queues;
  /** Completion events of character refreshes and comparisons, for the bounded wait on a miss. */
  characterEvents: QueueEvents;
  comparisonEvents: QueueEvents;
  /** Extra services added by the routes' own modules (guild-api client, caches, ...). */
  [extra: string]: unknown;
}
