import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import jwt from 'jsonwebtoken';
import { createMigratedDatabase, deleteRedisKeys, dropDatabase, REDIS_URL } from '../test/helpers/test-env.js';
import { Keys } from '../src/redis.js';
import { startSimulator, type Simulator } from '../src/sim/index.js';
import { quotaClientKey } from '../src/worker/services.js';
import type { WorldGuildSpec } from '../src/sim/world.js';
import { freePort, spawnTs, waitHealthy, type Child } from './procs.js';

export interface Service {
  child: Child;
  url: string;
}

/**
 * Everything one bench run needs, isolated from other runs and from the test suite: its own database
 * (migrated, season plan seeded), its own Redis prefix, the simulated upstreams in this process, and the real
 * api and worker as child processes configured as in production.
 */
export interface Stack {
  sim: Simulator;
  databaseUrl: string;
  redisPrefix: string;
  redis: Redis;
  logDir: string;
  api: Service;
  worker: Service;
  baseline?: Service;
  /** The bare `node:http` server sending the api's own bytes (`bench/bare-server.ts`), once started. */
  bare?: Service;
  token(bnetId: number): string;
  startWorker(extraEnv?: Record<string, string>): Promise<void>;
  startBaseline(): Promise<Service>;
  /** Starts the bare server with the responses captured in `responsesFile` (see `bench/bare-server.ts`). */
  startBare(responsesFile: string): Promise<Service>;
  close(): Promise<void>;
}

const JWT_SECRET = `bench-${randomBytes(16).toString('hex')}`;
const SIM_CLIENT_ID = 'simulated-client';

/** `compiled` runs dist/ (what the Dockerfiles run, after `npm run build`) instead of the sources under tsx. */
export async function startStack(guilds: WorldGuildSpec[], compiled = false): Promise<Stack> {
  if (compiled && !existsSync('dist/src/api/main.js')) throw new Error('--compiled needs a build: run `npm run build` first');
  const runId = `${process.pid}_${randomBytes(3).toString('hex')}`;
  const databaseName = `progress_bench_${runId}`;
  const redisPrefix = `pbench_${runId}`;
  const logDir = mkdtempSync(join(tmpdir(), 'progress-bench-'));
  const databaseUrl = await createMigratedDatabase(databaseName);
  const sim = await startSimulator({ jwtSecretKey: JWT_SECRET, world: { guilds, demo: false } });
  const redis = new Redis(REDIS_URL);
  const [apiPort, workerPort] = await Promise.all([freePort(), freePort()]);

  // Production mode, as deployed: credentials point at the simulator, logs at info (to a file, not our pipe).
  const baseEnv: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    // Under `npm test` (c8) the children's coverage counts too.
    NODE_V8_COVERAGE: process.env.NODE_V8_COVERAGE,
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
    REDIS_URL,
    REDIS_PREFIX: redisPrefix,
    SECRET_KEY: `bench-${randomBytes(16).toString('hex')}`,
    JWT_SECRET_KEY: JWT_SECRET,
    WEBHOOK_SECRET: `bench-${randomBytes(16).toString('hex')}`,
    BLIZZARD_CLIENT_ID: SIM_CLIENT_ID,
    BLIZZARD_CLIENT_SECRET: 'simulated-secret',
    WARCRAFTLOGS_CLIENT_ID: SIM_CLIENT_ID,
    WARCRAFTLOGS_CLIENT_SECRET: 'simulated-secret',
    FORCE_HTTPS: 'false',
    TRUST_PROXY: 'false',
    LOG_LEVEL: 'info',
    // One user drives thousands of requests a second here; the limiter still runs, it just never refuses.
    RATE_LIMIT_PER_MINUTE: '100000000',
    PORT: String(apiPort),
    WORKER_PORT: String(workerPort),
    ...sim.env,
  };

  const start = async (name: string, entry: string, url: string, env: Record<string, string | undefined>): Promise<Service> => {
    const child = spawnTs(name, entry, env, logDir, cpuProfileArgs(name, logDir), compiled && entry.startsWith('src/'));
    await waitHealthy(child, `${url}/health`);
    return { child, url };
  };

  const started: Service[] = [];
  const removeAll = async () => {
    await Promise.allSettled(started.map((s) => s.child.stop()));
    await sim.close();
    redis.disconnect();
    await dropDatabase(databaseName).catch(() => undefined);
    await deleteRedisKeys(redisPrefix).catch(() => undefined);
  };
  let api: Service;
  let worker: Service;
  try {
    api = await start('api', 'src/api/main.ts', `http://127.0.0.1:${apiPort}`, baseEnv);
    started.push(api);
    worker = await start('worker', 'src/worker/main.ts', `http://127.0.0.1:${workerPort}`, baseEnv);
  } catch (error) {
    // A child that did not come up must not leave its database, keys or siblings behind.
    await removeAll();
    throw error;
  }
  const stack: Stack = {
    sim,
    databaseUrl,
    redisPrefix,
    redis,
    logDir,
    api,
    worker,
    token: (bnetId) => jwt.sign({ bnet_id: bnetId, type: 'access' }, JWT_SECRET, { algorithm: 'HS256', expiresIn: 3600 }),
    async startWorker(extraEnv = {}) {
      await stack.worker.child.stop();
      stack.worker = await start('worker', 'src/worker/main.ts', stack.worker.url, { ...baseEnv, ...extraEnv });
    },
    async startBaseline() {
      const port = await freePort();
      stack.baseline = await start('baseline', 'bench/baseline-server.ts', `http://127.0.0.1:${port}`, {
        PATH: process.env.PATH,
        DATABASE_URL: databaseUrl,
        PORT: String(port),
      });
      return stack.baseline;
    },
    async startBare(responsesFile) {
      const port = await freePort();
      stack.bare = await start('bare', 'bench/bare-server.ts', `http://127.0.0.1:${port}`, {
        PATH: process.env.PATH,
        BARE_RESPONSES: responsesFile,
        PORT: String(port),
      });
      return stack.bare;
    },
    async close() {
      started.splice(0, started.length, stack.api, stack.worker, ...[stack.baseline, stack.bare].filter((s): s is Service => s !== undefined));
      await removeAll();
    },
  };
  return stack;
}

/** The Redis hash behind the worker's hourly token bucket (see src/worker/services.ts). */
export function quotaBucketKey(redisPrefix: string): string {
  return `${new Keys(redisPrefix).quota(quotaClientKey(SIM_CLIENT_ID))}:bucket`;
}

/**
 * BENCH_CPU_PROF=api,worker writes .cpuprofile files of those children into the log directory;
 * BENCH_API_NODE_ARGS / BENCH_WORKER_NODE_ARGS pass anything else (e.g. --trace-gc) to one child.
 */
function cpuProfileArgs(name: string, logDir: string): string[] {
  const wanted = (process.env.BENCH_CPU_PROF ?? '').split(',');
  const extra = (process.env[`BENCH_${name.toUpperCase()}_NODE_ARGS`] ?? '').split(' ').filter(Boolean);
  return [...(wanted.includes(name) ? ['--cpu-prof', `--cpu-prof-dir=${logDir}`] : []), ...extra];
}
