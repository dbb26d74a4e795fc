import type { Redis } from 'ioredis';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { Queues } from '../queue/queues.js';
import type { Keys } from '../redis.js';

/** What every processor receives: shared services built once per worker process. */
export interface WorkerContext {
  config: Config;
  logger: Logger;
  metrics: Metrics;
  orm: MikroORM;
  /** General-purpose connection (cache invalidation, quota counters). */
  redis: Redis;
  keys: Keys;
  /** Producers for fan-out (guild sync → character refreshes). */
  queues: Queues;
  /** Services added by processor modules (upstream clients, quota gate, ...). */
  [extra: string]: unknown;
}
