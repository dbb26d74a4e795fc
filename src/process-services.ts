import type { RedisClient } from './redis.js';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';
import type { Queues } from './queue/queues.js';
import type { Keys } from './redis.js';
import type { SeasonCalendar } from './season/calendar.js';

/** What both processes, the api and the worker, build once at start-up and pass to what needs it. */
export interface ProcessServices {
  config: Config;
  /** Business time: the season week, freshness, cache lifetimes, the fetched_at stamps. */
  clock: Clock;
  /** The season plan in force and the week it is, by the one week rule. */
  season: SeasonCalendar;
  logger: Logger;
  metrics: Metrics;
  orm: MikroORM;
  /** The process's general connection: caches, quota counters, rate limits (its options depend on the process). */
  redis: RedisClient;
  keys: Keys;
  /** Producers: the api enqueues refreshes on a miss, the worker fans a sync out into refreshes. */
  queues: Queues;
}
