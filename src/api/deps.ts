import type { QueueEvents } from 'bullmq';
import type { RedisClient } from '../redis.js';
import type { ProcessServices } from '../process-services.js';
import type { GuildApiClient } from '../upstream/guild-api/client.js';
import type { ResponseCache, StoredBody } from '../cache/response-cache.js';
import type { SingleFlight } from './services/single-flight.js';
import type { GuildAccess } from './services/guild-access.js';
import type { DemandRecorder } from './services/demand.js';
import type { GuildTracker } from './services/guild-tracker.js';

/**
 * Everything the api's middleware and routes use, built once at start-up and passed in. Its `redis` fails fast
 * while Redis is down (no offline queue), so handlers can fall back at once.
 */
export interface ApiDeps extends ProcessServices {
  /** Completion events of character refreshes and comparisons, for the bounded wait on a miss. */
  characterEvents: QueueEvents;
  comparisonEvents: QueueEvents;
  /** guild-api, called with the caller's own token for permissions and rosters. */
  guildApi: GuildApiClient;
  /** Permission decisions of guild-api, cached briefly per user and guild. */
  guildAccess: GuildAccess;
  /** guild-api's view of a guild (settings, members), cached briefly; starts tracking a guild on first sight. */
  guildTracker: GuildTracker;
  /** What people read, written to Redis in batches for the worker's freshness scheduler. */
  demand: DemandRecorder;
  /** Rendered response bodies in Redis, dropped by the worker after every projection write. */
  responseCache: ResponseCache;
  /** Overviews being computed after a miss, by guild and variant: concurrent misses share one computation. */
  overviewFlight: SingleFlight<StoredBody>;
  /** Closed last-in-first-out by closeApiDeps, before Redis and the pool. */
  onClose: Array<() => Promise<void>>;
  /** The producers' own connection, closed with the queues. */
  queueConnection: RedisClient;
  /** Set once a graceful stop has begun: /ready answers 503 and responses close their connections. */
  shuttingDown?: boolean;
}
