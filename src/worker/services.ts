import { createHash } from 'node:crypto';
import type { RedisClient } from '../redis.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { Keys } from '../redis.js';
import { upstreamMetricsOf, type Metrics } from '../metrics.js';
import { BlizzardClient } from '../upstream/blizzard/client.js';
import { RedisQuotaGate } from '../upstream/blizzard/quota.js';
import { WarcraftLogsClient } from '../upstream/warcraftlogs/client.js';
import type { UpstreamServices } from './context.js';

/**
 * The upstream clients every worker process uses by default. The quota gate lives in Redis so that all
 * replicas together stay under Battle.net's per-client limits; it is keyed by a hash of the client id
 * (Battle.net counts per client) rather than the id itself, which stays out of Redis.
 */
export function createUpstreamServices(config: Config, logger: Logger, metrics: Metrics, redis: RedisClient): UpstreamServices {
  const upstreamMetrics = upstreamMetricsOf(metrics);
  const quota = new RedisQuotaGate(redis, {
    key: new Keys(config.redisPrefix).quota(quotaClientKey(config.blizzard.clientId)),
    perSecond: config.blizzard.quotaPerSecond,
    perHour: config.blizzard.quotaPerHour,
    headroom: config.blizzard.quotaHeadroom,
    burstShare: config.blizzard.quotaBurstShare,
    edgeMs: config.blizzard.quotaEdgeMs,
    metrics: upstreamMetrics,
  });
  const blizzard = new BlizzardClient({ config: config.blizzard, logger, quota, metrics: upstreamMetrics });
  const warcraftlogs = new WarcraftLogsClient({
    config: config.warcraftlogs,
    logger,
    timeoutMs: config.blizzard.timeoutMs,
    metrics: upstreamMetrics,
  });
  return { blizzard, warcraftlogs, quota };
}

/** Battle.net counts per client id: the quota's key names a hash of it, and the id itself stays out of Redis. */
export function quotaClientKey(clientId: string): string {
  return createHash('sha256').update(clientId).digest('hex').slice(0, 16);
}
