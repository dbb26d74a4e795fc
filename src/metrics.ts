import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * How often the event-loop lag histogram samples, in ms. Each sample wakes the process: at prom-client's 10 ms an
 * idle worker spent about a third of its idle CPU on it. The worker's jobs and locks live on the scale of seconds,
 * so a lag it should worry about is long: sampled every 100 ms, every stall past 100 ms is still recorded, shorter
 * ones in proportion to their length. The api answers in milliseconds and keeps the fine sampling.
 */
const EVENT_LOOP_SAMPLING_MS = { api: 10, worker: 100 } as const;

/**
 * Every metric of one process, on its own registry (so several apps can live in one test process).
 * Names follow Prometheus conventions; docs/reliability.md lists what operators watch.
 */
export function createMetrics(processName: 'api' | 'worker') {
  const registry = new Registry();
  registry.setDefaultLabels({ service: 'progress-api', process: processName });
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLING_MS[processName] });

  const metrics = {
    registry,
    httpDuration: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration by route template and status',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    httpRequests: new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests by route template and status',
      labelNames: ['method', 'route', 'status'] as const,
      registers: [registry],
    }),
    cacheHits: new Counter({ name: 'progress_cache_hits_total', help: 'Responses served from the Redis cache', labelNames: ['kind'] as const, registers: [registry] }),
    cacheMisses: new Counter({ name: 'progress_cache_misses_total', help: 'Reads the Redis cache could not answer', labelNames: ['kind'] as const, registers: [registry] }),
    databaseUp: new Gauge({ name: 'progress_database_up', help: '1 when PostgreSQL answers', registers: [registry] }),
    redisUp: new Gauge({ name: 'progress_redis_up', help: '1 when Redis answers', registers: [registry] }),
    dbPoolInUse: new Gauge({ name: 'progress_db_pool_in_use', help: 'Database connections in use', registers: [registry] }),
    dbPoolWaiting: new Gauge({ name: 'progress_db_pool_waiting', help: 'Requests waiting for a database connection', registers: [registry] }),
    upstreamRequests: new Counter({
      name: 'progress_upstream_requests_total',
      help: 'Calls to Battle.net, WarcraftLogs and guild-api by outcome',
      labelNames: ['upstream', 'outcome'] as const,
      registers: [registry],
    }),
    upstreamRateLimited: new Counter({
      name: 'progress_upstream_rate_limited_total',
      help: '429 answers received from upstreams',
      labelNames: ['upstream'] as const,
      registers: [registry],
    }),
    upstreamQuotaRemaining: new Gauge({
      name: 'progress_upstream_quota_remaining',
      help: 'Requests (or points) left in the upstream hourly quota',
      labelNames: ['upstream'] as const,
      registers: [registry],
    }),
    jobs: new Counter({ name: 'progress_jobs_total', help: 'Jobs finished by queue and outcome', labelNames: ['queue', 'outcome'] as const, registers: [registry] }),
    jobDuration: new Histogram({
      name: 'progress_job_duration_seconds',
      help: 'Job processing time by queue',
      labelNames: ['queue'] as const,
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [registry],
    }),
    blizzardRequestsPerRefresh: new Histogram({
      name: 'progress_blizzard_requests_per_refresh',
      help: 'Battle.net calls of one character refresh (the profile, then the equipment unless the profile is unchanged), by result',
      labelNames: ['result'] as const,
      buckets: [0, 1, 2],
      registers: [registry],
    }),
    queueDepth: new Gauge({ name: 'progress_queue_jobs', help: 'Jobs per queue and state', labelNames: ['queue', 'state'] as const, registers: [registry] }),
    webhooks: new Counter({ name: 'progress_webhooks_total', help: 'guild-api webhooks by outcome', labelNames: ['outcome'] as const, registers: [registry] }),
    outboundDeliveries: new Counter({
      name: 'progress_outbound_deliveries_total',
      help: 'Attempts to deliver to URLs officers set (kind: event, discord) by outcome (delivered, failed, refused)',
      labelNames: ['kind', 'outcome'] as const,
      registers: [registry],
    }),
  };
  return metrics;
}

export type Metrics = ReturnType<typeof createMetrics>;

/** Adapts the metrics to the upstream clients' reporting interface. */
export function upstreamMetricsOf(metrics: Metrics) {
  return {
    request: (upstream: string, outcome: string) => metrics.upstreamRequests.inc({ upstream, outcome }),
    rateLimited: (upstream: string) => metrics.upstreamRateLimited.inc({ upstream }),
    quotaRemaining: (upstream: string, remaining: number) => metrics.upstreamQuotaRemaining.set({ upstream }, remaining),
  };
}
