import { startApi, type RunningApi } from '../../src/api/server.js';
import type { Clock } from '../../src/clock.js';
import type { Config } from '../../src/config.js';
import type { Logger } from '../../src/logger.js';
import { closeQueues, createQueues, type Queues } from '../../src/queue/queues.js';
import { createRedis } from '../../src/redis.js';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/sim/index.js';
import { startWorker, type RunningWorker } from '../../src/worker/runtime.js';
import { backgroundWork } from './wait.js';
import type { LocalRedisCluster } from './redis-cluster.js';
import { createMigratedDatabase, deleteRedisKeys, dropDatabase, settleInbox, TEST_JWT_SECRET, testConfig, testLogger, testRun, uniqueId } from './test-env.js';

/**
 * A running simulator plus the worker (in this process) and, on request, the api, all pointed at each other.
 *
 *   const stack = await startStack({ simulator: { world: { guilds: [...] } }, api: true });
 *   ... stack.sim, stack.worker, stack.api.url, stack.queues ...
 *   await stack.close();
 *
 * Each stack gets its own Redis prefix (queues, cache, quota counters), so jobs left over by one test never
 * run against the next test's simulator; the database is the run's shared one. The periodic sync of every
 * tracked guild is off unless `schedule: true`, for the same reason.
 */
export interface StackOptions {
  /** Simulator options; the JWT key defaults to the test key the api verifies with. */
  simulator?: Partial<SimulatorOptions>;
  /** Start the api on an ephemeral port (default false). */
  api?: boolean;
  /** Start the worker in this process (default true). */
  worker?: boolean;
  /** Extra environment for both processes, e.g. { CHARACTER_CACHE_TTL: '1', WORKER_CONCURRENCY: '4' }. */
  env?: Record<string, string | undefined>;
  /** Register the worker's periodic sync of all tracked guilds (default false). */
  schedule?: boolean;
  /** Logger of the worker and the api (default: silent unless TEST_LOG_LEVEL), e.g. a LogCapture's. */
  logger?: Logger;
  /** Business time of the worker and the api, e.g. a ManualClock the test moves (default: the system's). */
  clock?: Clock;
  /**
   * Run on this Redis Cluster (REDIS_CLUSTER_NODES) instead of the shared Redis; its keys go with the cluster,
   * which the caller stops after the stack.
   */
  redisCluster?: LocalRedisCluster;
}

export interface Stack {
  sim: Simulator;
  /** The environment both processes were configured from; pass it to a child process to join the stack. */
  env: Record<string, string>;
  /** The worker's configuration (the api's differs only in role). */
  config: Config;
  worker: RunningWorker | undefined;
  api: RunningApi | undefined;
  /** Producer handles on the stack's queues. */
  queues: Queues;
  close(): Promise<void>;
}

let stacks = 0;

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const sim = await startSimulator({ jwtSecretKey: TEST_JWT_SECRET, clock: options.clock, ...options.simulator });
  stacks += 1;
  const env: Record<string, string> = {
    ...sim.env,
    REDIS_PREFIX: `${testRun.redisPrefix}_stack${stacks}`,
    GUILD_SYNC_INTERVAL: '3600',
    ...(options.redisCluster ? { REDIS_CLUSTER_NODES: options.redisCluster.seeds } : {}),
    ...(Object.fromEntries(Object.entries(options.env ?? {}).filter((e): e is [string, string] => e[1] !== undefined))),
  };
  const config = testConfig(env, 'worker');
  const connection = createRedis(config, 'worker');
  const queues = createQueues(connection, config.redisPrefix);
  // Tests that cut Redis would otherwise print every reconnect attempt of these producers.
  for (const queue of Object.values(queues)) queue.on('error', () => undefined);
  const logger = options.logger ?? testLogger();
  let worker: RunningWorker | undefined;
  let api: RunningApi | undefined;

  const startedAt = new Date();
  const settleApi = () => api?.deps.guildTracker.settled() ?? Promise.resolve();
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      backgroundWork.delete(settleApi);
      await api?.close();
      await worker?.close();
      // Webhooks accepted by a stack without a worker would otherwise be drained by a later test's worker.
      if (options.worker === false) await settleInbox(config.databaseUrl, startedAt);
      await closeQueues(queues);
      connection.disconnect();
      await sim.close();
      if (!options.redisCluster) await deleteRedisKeys(config.redisPrefix);
    })();
    return closing;
  };
  try {
    if (options.worker !== false) worker = await startWorker(config, logger, { port: 0, schedule: options.schedule ?? false, clock: options.clock });
    if (options.api) {
      api = await startApi(testConfig(env, 'api'), logger, 0, '127.0.0.1', { clock: options.clock });
      backgroundWork.add(settleApi);
    }
  } catch (err) {
    await close();
    throw err;
  }
  return { sim, env, config, worker, api, queues, close };
}

/**
 * A stack for one describe block: started in its `before`, closed in its `after`. With `ownDatabase`, on a
 * migrated database of its own, dropped after (for files that need the demo guilds as the simulator made them,
 * while other files change their membership in the run's shared database).
 */
export function suiteStack(options: StackOptions & { ownDatabase?: boolean } = {}): { readonly stack: Stack; readonly url: string } {
  let stack: Stack | undefined;
  let databaseName: string | undefined;
  before(async () => {
    const env = { ...options.env };
    if (options.ownDatabase) {
      databaseName = `${testRun.databaseName}_${uniqueId()}`;
      env.DATABASE_URL = await createMigratedDatabase(databaseName);
    }
    stack = await startStack({ ...options, env });
  });
  after(async () => {
    await stack?.close();
    if (databaseName) await dropDatabase(databaseName);
  });
  return {
    get stack() {
      if (!stack) throw new Error('the suite stack is used before its before hook ran');
      return stack;
    },
    get url() {
      const api = this.stack.api;
      if (!api) throw new Error('the suite stack was started without the api');
      return api.url;
    },
  };
}
