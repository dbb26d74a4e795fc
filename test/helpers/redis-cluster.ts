import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import type { RedisNode } from '../../src/config.js';
import { sleep } from './wait.js';

const run = promisify(execFile);

/**
 * A private Redis Cluster of three masters (no replicas, no persistence) on loopback, for tests that run the
 * service on a cluster:
 *
 *   const cluster = await startRedisCluster();
 *   ... env REDIS_CLUSTER_NODES: cluster.seeds ...
 *   await cluster.stop();
 *
 * Each node also listens on its cluster bus port (its port + 10000), so both must be free.
 */
export interface LocalRedisCluster {
  nodes: RedisNode[];
  /** The nodes as REDIS_CLUSTER_NODES reads them. */
  seeds: string;
  /** Kills every node and removes their files. */
  stop(): Promise<void>;
}

const MASTERS = 3;

export async function startRedisCluster(): Promise<LocalRedisCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'redis-cluster-'));
  const children: Array<{ child: ChildProcess; exited: Promise<void> }> = [];
  const stop = async () => {
    for (const { child } of children) child.kill('SIGKILL');
    await Promise.all(children.map((c) => c.exited));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const ports: number[] = [];
    while (ports.length < MASTERS) {
      const port = await freeClusterPort();
      if (!ports.includes(port)) ports.push(port);
    }
    for (const port of ports) {
      const child = spawn(
        'redis-server',
        [
          '--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes',
          '--cluster-config-file', join(dir, `nodes-${port}.conf`), '--dir', dir,
          '--save', '', '--appendonly', 'no', '--daemonize', 'no',
        ],
        { stdio: 'ignore' },
      );
      children.push({ child, exited: new Promise((resolve) => child.once('exit', () => resolve())) });
    }
    await Promise.all(ports.map((port) => untilAnswers(port)));
    await run('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes'], {
      timeout: 30_000,
    });
    await Promise.all(ports.map((port) => untilClusterOk(port)));
    const nodes = ports.map((port) => ({ host: '127.0.0.1', port }));
    return { nodes, seeds: nodes.map((n) => `${n.host}:${n.port}`).join(','), stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** A port that is free, and whose cluster bus port (+10000) is free too. */
async function freeClusterPort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    if ((await isFree(port)) && (await isFree(port + 10_000))) return port;
  }
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function withNode<T>(port: number, use: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return await use(redis);
  } finally {
    redis.disconnect();
  }
}

async function untilAnswers(port: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await withNode(port, async (r) => (await r.ping()) === 'PONG').catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`redis-server on ${port} did not start`);
    await sleep(50);
  }
}

/** Every node says the cluster is ok and knows all three masters, so any seed gives a client the full slot map. */
async function untilClusterOk(port: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const ok = await withNode(port, async (r) => {
      const info = String(await r.cluster('INFO'));
      const masters = String(await r.cluster('NODES')).split('\n').filter((line) => line.includes('master') && !line.includes('fail'));
      return info.includes('cluster_state:ok') && masters.length === MASTERS;
    }).catch(() => false);
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`the Redis Cluster did not reach cluster_state:ok on ${port}`);
    await sleep(100);
  }
}
