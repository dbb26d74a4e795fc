import type { Redis } from 'ioredis';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { Queues } from '../queue/queues.js';
import type { Keys } from '../redis.js';
import type { SeasonCalendar } from '../season/calendar.js';
import type { BlizzardClient } from '../upstream/blizzard/client.js';
import type { QuotaGate } from '../upstream/blizzard/quota.js';
import type { WarcraftLogsClient } from '../upstream/warcraftlogs/client.js';

/** The upstream side of the worker, built once per process. */
export interface UpstreamServices {
  blizzard: BlizzardClient;
  warcraftlogs: WarcraftLogsClient;
  /** Battle.net's per-client quota, shared by every replica through Redis. */
  quota: QuotaGate;
}

/** What every processor receives: shared services built once per worker process. */
export interface WorkerContext extends UpstreamServices {
  config: Config;
  /** Business time: the season week and the fetched_at stamps freshness is measured from. */
  clock: Clock;
  /** The season plan that applies and the week it is, shared with the api's rule. */
  season: SeasonCalendar;
  logger: Logger;
  metrics: Metrics;
  orm: MikroORM;
  /** General-purpose connection (cache invalidation, quota counters). */
  redis: Redis;
  keys: Keys;
  /** Producers for fan-out (guild sync → character refreshes). */
  queues: Queues;
  /** Run on shutdown, after the workers have finished their jobs and before connections close. */
  onClose: Array<() => Promise<void> | void>;
}
