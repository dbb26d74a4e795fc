import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Worker, type Job } from 'bullmq';
import type { Clock } from '../clock.js';
import { processClock } from '../shared-test-clock.js';
import { localUrl, type Config } from '../config.js';
import { listen } from '../listen.js';
import type { Logger } from '../logger.js';
import { createMetrics } from '../metrics.js';
import { openOrm } from '../db/orm.js';
import { healthBody, isHealthy, probeDependencies } from '../health.js';
import { createRedis, Keys, queuePrefix } from '../redis.js';
import { closeQueues, createQueues, QUEUE_NAMES, type QueueKey } from '../queue/queues.js';
import type { WorkerContext } from './context.js';
import { wasLogged } from './job-log.js';
import { assertEveryKindProcessed, kindsByQueue, queueProcessor } from './dispatch.js';
import { PROCESSORS, QUEUE_WORKERS, type ProcessorRegistry } from './processors/index.js';
import { sampleQueueDepth } from './queue-depth.js';
import { SeasonCalendar } from '../season/calendar.js';
import { drainInbox } from './inbox.js';
import { FreshnessScheduler } from './freshness/scheduler.js';
import { startMaintenance } from './maintenance.js';
import { assertSchedules } from './scheduler.js';
import { retryIfStalledTooOften } from './stalled.js';
import { createUpstreamServices } from './services.js';

export interface RunningWorker {
  ctx: WorkerContext;
  /** The freshness scheduler; it ticks on its own when the worker schedules, and tests may tick it themselves. */
  freshness: FreshnessScheduler;
  workers: Worker[];
  url: string;
  close(): Promise<void>;
}

export interface WorkerStartOptions {
  /** The processor of each job kind; defaults to the worker's registry. Start-up fails if a kind has none. */
  processors?: Partial<ProcessorRegistry>;
  /** The queues this worker consumes; defaults to every queue that has job kinds. */
  queues?: QueueKey[];
  /** Port of /health and /metrics; 0 for an ephemeral one. */
  port?: number;
  /**
   * Schedules the periodic jobs (guild syncs, inbox drain) and keeps them scheduled, runs the freshness
   * scheduler's ticks, and drains the webhook inbox at start; on unless false.
   */
  schedule?: boolean;
  /** Business time; the system's unless a test brings its own. */
  clock?: Clock;
}

export async function startWorker(config: Config, logger: Logger, options: WorkerStartOptions = {}): Promise<RunningWorker> {
  const processors = options.processors ?? PROCESSORS;
  // Before any connection is opened: a job kind nobody processes must stop the deployment, not pile up.
  assertEveryKindProcessed(processors);
  const orm = await openOrm({
    databaseUrl: config.databaseUrl,
    poolMax: Math.max(10, config.workerConcurrency),
    logger,
    queryTimeoutMs: config.databaseQueryTimeoutMs * 5,
  });
  const redis = createRedis(config, 'worker');
  const producerConnection = createRedis(config, 'worker');
  const queues = createQueues(producerConnection, config.redisPrefix);
  // Without a listener BullMQ prints each reconnect error as a raw stack trace; a failed add() still rejects.
  for (const queue of Object.values(queues)) queue.on('error', () => undefined);
  const metrics = createMetrics('worker');
  const { clock, close: closeClock } = await processClock(config, options.clock);
  const ctx: WorkerContext = {
    config,
    clock,
    season: new SeasonCalendar({ orm, logger, clock, resets: config.weeklyResets }),
    logger,
    metrics,
    orm,
    redis,
    keys: new Keys(config.redisPrefix),
    queues,
    onClose: [closeClock],
    ...createUpstreamServices(config, logger, metrics, redis),
  };
  const freshness = new FreshnessScheduler(ctx);
  if (options.schedule !== false) {
    await assertSchedules(ctx);
    ctx.onClose.push(startMaintenance(ctx));
    if (config.freshness.enabled) ctx.onClose.push(freshness.start());
    // Events accepted while no worker ran, or whose jobs Redis lost, are queued again before anything else.
    await drainInbox(ctx).catch((err: Error) => logger.warn({ reason: err.message }, 'inbox drain at start failed, the periodic drain will retry'));
  }

  const consumed = [...kindsByQueue()].filter(([queueKey]) => !options.queues || options.queues.includes(queueKey));
  const workers = consumed.map(([queueKey, kinds]) => {
    const queueName = QUEUE_NAMES[queueKey];
    const worker = new Worker(queueName, queueProcessor(ctx, kinds, processors), {
      connection: createRedis(config, 'worker'),
      prefix: queuePrefix(config.redisPrefix, queueName),
      ...QUEUE_WORKERS[queueKey](ctx),
    });
    const started = new Map<string, number>();
    worker.on('active', (job: Job) => started.set(job.id ?? '', Date.now()));
    const finish = (job: Job | undefined, outcome: string) => {
      if (!job) return;
      const begun = started.get(job.id ?? '');
      started.delete(job.id ?? '');
      ctx.metrics.jobs.inc({ queue: queueName, outcome });
      if (begun) ctx.metrics.jobDuration.observe({ queue: queueName }, (Date.now() - begun) / 1000);
    };
    worker.on('completed', (job) => finish(job, 'completed'));
    worker.on('failed', (job, err) => {
      finish(job, 'failed');
      void retryIfStalledTooOften(job, err, logger);
      // Failures inside a processor have their own job line; this catches the rest (stalled too often, lost lock).
      if (!wasLogged(err)) logger.warn({ queue: queueName, jobId: job?.id, attempts: job?.attemptsMade, reason: err.message }, 'job failed');
    });
    worker.on('error', (err) => logger.error({ queue: queueName, err }, 'worker error'));
    return worker;
  });

  const server = await serveHealth(ctx, options.port ?? config.workerPort, config.host);
  const url = localUrl(config.host, (server.address() as AddressInfo).port);

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      // Worker.close() waits for the jobs in progress to finish before resolving.
      await Promise.allSettled(workers.map((w) => w.close()));
      await closeQueues(queues);
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.allSettled(ctx.onClose.map(async (c) => c()));
      redis.disconnect();
      producerConnection.disconnect();
      await orm.close(true);
    })();
    return closing;
  };
  return { ctx, freshness, workers, url, close };
}

/** The worker's own /health and /metrics (docs/reliability.md), on WORKER_PORT. */
async function serveHealth(ctx: WorkerContext, port: number, host: string): Promise<Server> {
  const server = createServer((req, res) => {
    void (async () => {
      const probe = () => probeDependencies(ctx.orm, ctx.redis, ctx.metrics);
      if (req.url === '/metrics') {
        // The up gauges and the queue depths are measured at scrape time: a scrape alone must not report a
        // dependency as down. With Redis down the queue depths keep their last sample.
        const status = await probe();
        if (status.redis) await sampleQueueDepth(ctx);
        res.writeHead(200, { 'Content-Type': ctx.metrics.registry.contentType });
        res.end(await ctx.metrics.registry.metrics());
        return;
      }
      if (req.url === '/health' || req.url === '/ready') {
        const status = await probe();
        res.writeHead(isHealthy(status) ? 200 : 503, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(healthBody('progress-worker', status)));
        return;
      }
      res.writeHead(404, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error: 'Not found', code: 'not_found' }));
    })().catch(() => {
      res.writeHead(500).end();
    });
  });
  await listen(server, port, host);
  return server;
}
