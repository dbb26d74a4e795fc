import type { RedisClient } from './redis.js';
import type { MikroORM } from '@mikro-orm/postgresql';
import { isDatabaseUp } from './db/health.js';
import type { Metrics } from './metrics.js';
import { pingRedis } from './redis.js';

export interface DependencyStatus {
  database: boolean;
  redis: boolean;
}

/** Pings PostgreSQL and Redis and sets the up gauges from what it found (probes and scrapes both measure). */
export async function probeDependencies(orm: MikroORM, redis: RedisClient, metrics: Metrics): Promise<DependencyStatus> {
  const [database, redisUp] = await Promise.all([isDatabaseUp(orm), pingRedis(redis)]);
  metrics.databaseUp.set(database ? 1 : 0);
  metrics.redisUp.set(redisUp ? 1 : 0);
  return { database, redis: redisUp };
}

export const isHealthy = (status: DependencyStatus): boolean => status.database && status.redis;

/** The /health body of the api and the worker alike (answered 200 when healthy, else 503). */
export function healthBody(service: string, status: DependencyStatus) {
  return {
    status: isHealthy(status) ? 'healthy' : 'unhealthy',
    service,
    database: status.database ? 'connected' : 'disconnected',
    redis: status.redis ? 'connected' : 'disconnected',
    timestamp: new Date().toISOString(),
  };
}
