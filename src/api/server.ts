import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../clock.js';
import { processClock } from '../shared-test-clock.js';
import { localUrl, type Config } from '../config.js';
import { listen } from '../listen.js';
import type { Logger } from '../logger.js';
import { createMetrics, upstreamMetricsOf } from '../metrics.js';
import { openOrm } from '../db/orm.js';
import { createRedis, Keys } from '../redis.js';
import { closeQueues, createQueueEvents, createQueues, QUEUE_NAMES } from '../queue/queues.js';
import { createApp } from './app.js';
import { cachedReadHandler } from './cached-reads/handler.js';
import type { ApiDeps } from './deps.js';
import { ROUTE_MODULES } from './routes/index.js';
import { GuildApiClient } from '../upstream/guild-api/client.js';
import { ResponseCache } from '../cache/response-cache.js';
import { GuildAccess } from './services/guild-access.js';
import { SingleFlight } from './services/single-flight.js';
import { DemandRecorder } from './services/demand.js';
import { GuildTracker } from './services/guild-tracker.js';
import { SeasonCalendar } from '../season/calendar.js';
import { StoredGuildPlans } from './services/guild-plans.js';

/**
 * Above Node's 16 KiB default, so an oversized credential (a forged 100 KB token) reaches the auth middleware and
 * gets the documented 401 body instead of a bare 431; the middleware refuses any token over 8 KB unread.
 */
const MAX_HEADER_BYTES = 128 * 1024;

export interface RunningApi {
  server: Server;
  url: string;
  deps: ApiDeps;
  /** Stops accepting, lets in-flight requests finish, then closes queues, Redis and the pool. */
  close(): Promise<void>;
}

export interface ApiStartOptions {
  /** Business time; the system's unless a test brings its own. */
  clock?: Clock;
}

export async function buildApiDeps(config: Config, logger: Logger, options: ApiStartOptions = {}): Promise<ApiDeps> {
  const { clock, close: closeClock } = await processClock(config, options.clock);
  const orm = await openOrm({ databaseUrl: config.databaseUrl, poolMax: 20, logger, queryTimeoutMs: config.databaseQueryTimeoutMs });
  const redis = createRedis(config, 'request');
  // Requests arriving before the connection is up would be served as if Redis were down; a short wait avoids that.
  await untilReady(redis, 2000);
  // Producers must also fail fast while Redis is down, so a read falls back instead of hanging.
  const queueConnection = createRedis(config, 'request');
  const queues = createQueues(queueConnection, config.redisPrefix);
  const eventConnections = [createRedis(config, 'worker'), createRedis(config, 'worker')] as const;
  const characterEvents = createQueueEvents(eventConnections[0], config.redisPrefix, QUEUE_NAMES.characterRefresh);
  const comparisonEvents = createQueueEvents(eventConnections[1], config.redisPrefix, QUEUE_NAMES.guildComparison);
  for (const events of [characterEvents, comparisonEvents]) events.on('error', () => undefined);
  for (const queue of Object.values(queues)) queue.on('error', () => undefined);
  // Every reader waiting on a miss listens on these; a burst of misses must not trip the leak warning.
  for (const events of [characterEvents, comparisonEvents]) events.setMaxListeners(0);
  const metrics = createMetrics('api');
  const keys = new Keys(config.redisPrefix);
  const guildApi = new GuildApiClient({
    baseUrl: config.guildApi.url,
    timeoutMs: config.guildApi.timeoutMs,
    logger: logger.child({ upstream: 'guild-api' }),
    metrics: upstreamMetricsOf(metrics),
  });
  // A guild's own plan takes its dates from the season plan in force (asked with no guild named).
  const guildPlans = new StoredGuildPlans(orm, logger, () => season.planFor(clock.now(), config.blizzard.region));
  const season: SeasonCalendar = new SeasonCalendar({ orm, logger, clock, resets: config.weeklyResets, guildPlans });
  // Its own connection: a flush's pipeline never queues ahead of a request's command.
  const demandConnection = createRedis(config, 'request');
  const demand = new DemandRecorder({ redis: demandConnection, keys, clock, logger });
  demand.start();
  return {
    config,
    clock,
    logger,
    metrics,
    orm,
    redis,
    keys,
    queues,
    characterEvents,
    comparisonEvents,
    queueConnection,
    guildApi,
    guildAccess: new GuildAccess({ redis, keys, guildApi, logger, ttlSeconds: config.permissionCacheTtl }),
    guildTracker: new GuildTracker({ config, clock, orm, redis, keys, queues, guildApi, logger }),
    responseCache: new ResponseCache(redis, keys, metrics, clock),
    overviewFlight: new SingleFlight(),
    season,
    demand,
    // Last in, first out: demand is flushed before the clock and connections close.
    onClose: [
      closeClock,
      async () => eventConnections.forEach((connection) => connection.disconnect()),
      async () => {
        await demand.close();
        demandConnection.disconnect();
      },
    ],
  };
}

function untilReady(redis: ApiDeps['redis'], timeoutMs: number): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, timeoutMs);
    function done() {
      clearTimeout(timer);
      redis.off('ready', done);
      resolve();
    }
    redis.once('ready', done);
  });
}

/** How long one step of closing may wait on a Redis that does not answer before the connections are dropped. */
const CLOSE_STEP_MS = 5000;

async function within(step: Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([step.catch(() => undefined), new Promise((resolve) => (timer = setTimeout(resolve, CLOSE_STEP_MS)))]);
  clearTimeout(timer);
}

/**
 * Closes in order, each step bounded: a Redis that is down or reconnecting must not hold a stop open, since
 * the connections are dropped at the end anyway.
 */
export async function closeApiDeps(deps: ApiDeps): Promise<void> {
  // A snapshot taken in the background hands its list to the worker: let it finish before the queues close.
  await within(deps.guildTracker.settled());
  await within(closeQueues(deps.queues));
  await within(Promise.allSettled([deps.characterEvents.close(), deps.comparisonEvents.close()]));
  for (const close of [...deps.onClose].reverse()) await within(close());
  deps.redis.disconnect();
  deps.queueConnection.disconnect();
  await deps.orm.close(true);
}

export async function startApi(
  config: Config,
  logger: Logger,
  port = config.port,
  host = config.host,
  options: ApiStartOptions = {},
): Promise<RunningApi> {
  const deps = await buildApiDeps(config, logger, options);
  const app = createApp(deps, ROUTE_MODULES);
  const handle = app.callback();
  const cached = cachedReadHandler(deps);
  // Once shutting down, every response closes its connection: a keep-alive client that keeps sending would
  // otherwise hold server.close() open for as long as its load lasts.
  const server = createServer({ maxHeaderSize: MAX_HEADER_BYTES }, (req, res) => {
    if (deps.shuttingDown) res.setHeader('Connection', 'close');
    cached(req, res).then(
      (served) => {
        if (!served) void handle(req, res);
      },
      (err: unknown) => {
        // The handler gives Koa every request it cannot answer; what it did not foresee is logged, and Koa
        // answers when nothing was sent yet.
        deps.logger.error({ err }, 'cached read failed');
        if (!res.headersSent) void handle(req, res);
        else res.destroy();
      },
    );
  });
  // Keep-alive sockets must not hold a graceful shutdown open for long.
  server.keepAliveTimeout = 5000;
  await listen(server, port, host).catch(async (err: unknown) => {
    await closeApiDeps(deps);
    throw err;
  });
  const address = server.address() as AddressInfo;
  const url = localUrl(host, address.port);
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      deps.shuttingDown = true;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await closeApiDeps(deps);
    })();
    return closing;
  };
  return { server, url, deps, close };
}
