import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { Redis } from 'ioredis';
import { loadConfig, type Config, type ConfigRole } from '../../src/config.js';
import { createLogger, type Logger } from '../../src/logger.js';
import { openOrm } from '../../src/db/orm.js';
import { migrateUp } from '../../src/db/migrate.js';
import { saveSeasonPlan } from '../../src/db/tables/weekly-targets.js';
import { DEFAULT_SEASON_PLAN } from '../../src/domain/season-plan.js';
import type { SeasonPlan } from '../../src/domain/types.js';

/** The shared services the suite runs against; each run gets its own database and Redis key prefix. */
export const SERVER_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/test';
export const REDIS_URL = 'redis://127.0.0.1:6379';
export const TEST_JWT_SECRET = 'test-jwt-secret-0123456789abcdef';
export const TEST_WEBHOOK_SECRET = 'test-webhook-secret-0123456789';

const runId = `${process.pid}_${randomBytes(3).toString('hex')}`;
export const testRun = {
  databaseName: `progress_test_${runId}`,
  redisPrefix: `ptest_${runId}`,
};

export const databaseUrlFor = (name: string) => `postgresql://postgres@127.0.0.1:5432/${name}`;
export const testDatabaseUrl = () => databaseUrlFor(testRun.databaseName);

export async function createDatabase(name: string): Promise<string> {
  const client = new pg.Client({ connectionString: SERVER_DATABASE_URL });
  await client.connect();
  try {
    await client.query(`create database "${name}"`);
  } finally {
    await client.end();
  }
  return databaseUrlFor(name);
}

export async function dropDatabase(name: string): Promise<void> {
  const client = new pg.Client({ connectionString: SERVER_DATABASE_URL });
  await client.connect();
  try {
    await client.query(`drop database if exists "${name}" with (force)`);
  } finally {
    await client.end();
  }
}

/** A fresh database with the schema migrated, the default season plan loaded and then any `plans` of the test's. */
export async function createMigratedDatabase(name: string, plans: readonly SeasonPlan[] = []): Promise<string> {
  const url = await createDatabase(name);
  const orm = await openOrm({ databaseUrl: url, poolMax: 2 });
  try {
    await migrateUp(orm);
    for (const plan of [DEFAULT_SEASON_PLAN, ...plans]) await saveSeasonPlan(orm.em.fork(), plan);
  } finally {
    await orm.close(true);
  }
  return url;
}

export function deleteRedisKeys(prefix: string): Promise<void> {
  return deleteRedisKeysMatching(`${prefix}:*`);
}

/** Every key matching a SCAN pattern. */
export async function deleteRedisKeysMatching(pattern: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/**
 * Marks the webhook events a test accepted since `since` and left pending as done, so the worker of a later test
 * (which drains the inbox of the shared database) does not apply them against its own simulator.
 */
export async function settleInbox(databaseUrl: string, since: Date): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(
      `update processed_webhook_events set state = 'done', last_error = 'left pending by a test' where state = 'pending' and received_at >= $1`,
      [since],
    );
  } finally {
    await client.end();
  }
}

/** The environment code under test reads: the run's database and Redis prefix, plus any overrides. */
export function testEnv(overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    NODE_ENV: 'test',
    DATABASE_URL: testDatabaseUrl(),
    REDIS_URL,
    REDIS_PREFIX: testRun.redisPrefix,
    JWT_SECRET_KEY: TEST_JWT_SECRET,
    WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
    QUEUE_DASHBOARD_USER: 'operator',
    QUEUE_DASHBOARD_PASSWORD: 'dashboard-password',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    RATE_LIMIT_PER_MINUTE: '100000',
    // Activity doubles the Battle.net calls of a first refresh; suites about gear, quotas and load leave it out,
    // and the activity suites switch it on.
    ACTIVITY_REFRESH: 'false',
    // The freshness scheduler refreshes in the background whatever it finds due, at moments no test chose, and
    // many suites move the clock by days; its own suites switch it on.
    FRESHNESS_SCHEDULER: 'false',
    // Event endpoints and Discord webhooks may be a receiver on this machine (plain http on loopback); private and
    // metadata addresses stay refused, and the outbound safety tests check the strict policy itself.
    OUTBOUND_ALLOW_LOOPBACK_FOR_TESTS: 'true',
    ...overrides,
  };
}

/** Config for code under test, from testEnv. */
export function testConfig(overrides: Record<string, string | undefined> = {}, role: ConfigRole = 'api'): Config {
  return loadConfig(testEnv(overrides), role);
}

export function testLogger(): Logger {
  return createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
}

/** A distinct positive id for rows a test creates, so tests never collide. */
let nextId = 100000 + Math.floor(Math.random() * 1000) * 1000;
export const uniqueId = () => (nextId += 1);
