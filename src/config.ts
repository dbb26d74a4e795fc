import { z } from 'zod';
import { REGIONS, type RegionCode } from './domain/regions.js';
import { parseWeeklyReset, resetSchedule, type ResetSchedule, type WeeklyReset } from './domain/resets.js';
import type { TrackTable } from './domain/upgrades.js';
import { readTrackTableFile } from './season/track-table-file.js';

/**
 * The whole configuration of both processes, read once from the environment.
 * Everything else receives the parsed `Config`; nothing else reads `process.env`.
 */

export { REGIONS };

export interface RedisNode {
  host: string;
  port: number;
}

/** The variable that overrides a region's weekly reset, e.g. WEEKLY_RESET_EU="wed 04:00" (weekday and UTC time). */
export const weeklyResetVariable = (region: RegionCode) => `WEEKLY_RESET_${region.toUpperCase()}`;

/** Unset and empty variables mean the same: use the default. */
const empty = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

const optionalString = z.preprocess(empty, z.string().optional());
const optionalBool = z.preprocess(empty, z.stringbool().optional());
const bool = (fallback: boolean) => optionalBool.transform((v) => v ?? fallback);
const positiveInt = (fallback: number) => z.preprocess(empty, z.coerce.number().int().positive().default(fallback));
const positiveNumber = (fallback: number) => z.preprocess(empty, z.coerce.number().positive().default(fallback));
const url = (fallback?: string) => z.preprocess(empty, z.url().optional()).transform((v) => v ?? fallback);

/** `host:port,host:port`: the seed nodes of a Redis Cluster (any few of its masters; the rest are discovered). */
const clusterNodes = z.preprocess(
  empty,
  z
    .string()
    .transform((text) => text.split(',').map((node) => node.trim()).filter((node) => node !== ''))
    .pipe(
      z
        .array(z.string().regex(/^[^\s:]+:\d{1,5}$/, 'host:port, comma-separated'))
        .min(1, 'at least one host:port')
        .transform((nodes) =>
          nodes.map((node) => {
            const at = node.lastIndexOf(':');
            return { host: node.slice(0, at), port: Number(node.slice(at + 1)) };
          }),
        ),
    )
    .optional(),
);

const envSchema = z.object({
  NODE_ENV: z.preprocess(empty, z.enum(['development', 'production', 'test']).default('development')),
  PORT: positiveInt(5001),
  WORKER_PORT: positiveInt(5002),
  HOST: z.preprocess(empty, z.union([z.ipv4(), z.ipv6(), z.literal('localhost')]).optional()),
  DATABASE_URL: url(),
  REDIS_URL: url('redis://127.0.0.1:6379'),
  REDIS_CLUSTER_NODES: clusterNodes,
  REDIS_PREFIX: z.preprocess(
    empty,
    z.string().regex(/^[a-z0-9_-]+$/i, 'letters, digits, "-" and "_" only').default('progress'),
  ),
  SECRET_KEY: optionalString,
  JWT_SECRET_KEY: optionalString,
  JWT_ACCESS_TOKEN_EXPIRES: positiveInt(900),
  JWT_REFRESH_TOKEN_EXPIRES: positiveInt(604800),
  BLIZZARD_CLIENT_ID: optionalString,
  BLIZZARD_CLIENT_SECRET: optionalString,
  BLIZZARD_REGION: z.preprocess(empty, z.enum(REGIONS).default('us')),
  BLIZZARD_API_TIMEOUT: positiveNumber(10),
  BLIZZARD_API_BASE_URL: z.preprocess(empty, z.string().default('https://{region}.api.blizzard.com')),
  BLIZZARD_OAUTH_URL: url('https://oauth.battle.net/token'),
  BLIZZARD_QUOTA_PER_SECOND: positiveInt(100),
  BLIZZARD_QUOTA_PER_HOUR: positiveInt(36000),
  BLIZZARD_QUOTA_HEADROOM: z.preprocess(empty, z.coerce.number().min(0).max(0.5).default(0.05)),
  BLIZZARD_QUOTA_BURST_SHARE: z.preprocess(empty, z.coerce.number().min(0.05).max(0.95).default(0.5)),
  BLIZZARD_QUOTA_EDGE_MS: z.preprocess(empty, z.coerce.number().int().min(0).max(500).default(50)),
  WARCRAFTLOGS_CLIENT_ID: optionalString,
  WARCRAFTLOGS_CLIENT_SECRET: optionalString,
  WARCRAFTLOGS_OAUTH_URL: url('https://www.warcraftlogs.com/oauth/token'),
  WARCRAFTLOGS_API_URL: url('https://www.warcraftlogs.com/api/v2/client'),
  GUILD_API_URL: url(),
  GUILD_API_TIMEOUT: positiveNumber(3),
  CORS_ORIGINS: z.preprocess(empty, z.string().default('http://localhost:3000')),
  CHARACTER_CACHE_TTL: positiveInt(3600),
  NOT_FOUND_CACHE_TTL: positiveInt(600),
  PERMISSION_CACHE_TTL: positiveInt(60),
  GUILD_SYNC_INTERVAL: positiveInt(3600),
  GUILD_RETIREMENT_DAYS: positiveNumber(14),
  FRESHNESS_SCHEDULER: bool(true),
  FRESHNESS_TICK: positiveInt(5),
  FRESHNESS_MEMBER_INTERVAL: positiveInt(43200),
  FRESHNESS_MAX_AGE: positiveInt(86400),
  FRESHNESS_DEMAND_WINDOW: positiveInt(86400),
  FRESHNESS_OVERVIEW_WINDOW: positiveInt(86400),
  FRESHNESS_BUDGET_SHARE: z.preprocess(empty, z.coerce.number().min(0.05).max(1).default(0.8)),
  RAIDER_MAX_RANK: z.preprocess(empty, z.coerce.number().int().min(0).max(100).default(4)),
  INBOX_DRAIN_INTERVAL: positiveInt(60),
  COMPARISON_NAMES_PER_DAY: positiveInt(50),
  DATABASE_QUERY_TIMEOUT_MS: positiveInt(3000),
  SCHEDULE_CHECK_INTERVAL: positiveInt(60),
  CHARACTER_WAIT_MS: positiveInt(4000),
  ACTIVITY_REFRESH: bool(true),
  UPGRADE_TRACKS_FILE: optionalString,
  WORKER_CONCURRENCY: positiveInt(16),
  DEBUG: bool(false),
  LOG_LEVEL: z.preprocess(empty, z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional()),
  LOG_FORMAT: z.preprocess(empty, z.enum(['json', 'pretty']).default('json')),
  WEBHOOK_SECRET: optionalString,
  QUEUE_DASHBOARD_USER: optionalString,
  QUEUE_DASHBOARD_PASSWORD: optionalString,
  FORCE_HTTPS: optionalBool,
  TRUST_PROXY: optionalBool,
  RATE_LIMIT_PER_MINUTE: positiveInt(300),
  API_TOKEN_RATE_LIMIT_PER_MINUTE: positiveInt(60),
  FOLLOW_TEST_CLOCK: bool(false),
  OUTBOUND_ALLOW_LOOPBACK_FOR_TESTS: bool(false),
  SIM_PORT: positiveInt(5050),
});

export type Region = RegionCode;

export interface Config {
  env: 'development' | 'production' | 'test';
  isProduction: boolean;
  port: number;
  workerPort: number;
  /**
   * Address the api, the worker's health server and the dev simulator listen on: every interface in production
   * (a container's port is published from outside it), this machine only elsewhere, so a laptop running
   * `npm run dev` does not offer its development secrets to the network.
   */
  host: string;
  databaseUrl: string;
  /** A single Redis; ignored when `redisClusterNodes` is set. */
  redisUrl: string;
  /** Seeds of a Redis Cluster: when set, every connection is a cluster client (`createRedis`). */
  redisClusterNodes: RedisNode[] | undefined;
  /** Namespace of every Redis key (queues, cache, counters), so several deployments or test runs share one Redis. */
  redisPrefix: string;
  secretKey: string;
  jwtSecretKey: string;
  jwtAccessTokenExpires: number;
  jwtRefreshTokenExpires: number;
  blizzard: {
    clientId: string;
    clientSecret: string;
    region: Region;
    timeoutMs: number;
    apiBaseUrl: string;
    oauthUrl: string;
    quotaPerSecond: number;
    quotaPerHour: number;
    quotaHeadroom: number;
    /** Share of the hourly budget that may be spent in one burst; the rest refills evenly over the hour. */
    quotaBurstShare: number;
    /** Nothing is admitted in the last this-many ms of a second: the longest expected admission-to-arrival delay. */
    quotaEdgeMs: number;
  };
  warcraftlogs: { clientId: string; clientSecret: string; oauthUrl: string; apiUrl: string };
  guildApi: { url: string; timeoutMs: number };
  corsOrigins: string[];
  characterCacheTtl: number;
  notFoundCacheTtl: number;
  permissionCacheTtl: number;
  guildSyncInterval: number;
  /** The freshness scheduler's settings (src/worker/freshness): what is kept fresh, and how much quota it spends. */
  freshness: {
    /** Whether this worker runs the scheduler at all (a deployment always does; most tests do not). */
    enabled: boolean;
    /** Seconds between the scheduler's ticks. */
    tickSeconds: number;
    /** Seconds between refreshes of members of active guilds that nobody reads. */
    memberIntervalSeconds: number;
    /** No character of an active guild is let grow older than this many seconds. */
    maxAgeSeconds: number;
    /** A read keeps a character within CHARACTER_CACHE_TTL this many seconds. */
    demandWindowSeconds: number;
    /** An opened overview keeps the guild's raiders within CHARACTER_CACHE_TTL this many seconds. */
    overviewWindowSeconds: number;
    /** A guild nobody opened for this many days is retired: no syncs, no refreshes, until it is opened again. */
    retirementDays: number;
    /** Share of the Battle.net quota the scheduler spends; the rest is for readers' misses, syncs and activity. */
    budgetShare: number;
    /** Members whose guild rank id is at most this are raiders (0 is the Guild Master). */
    raiderMaxRank: number;
  };
  /** Distinct guilds one guild's members may compare against per (UTC) day; each new one can cost WarcraftLogs calls. */
  comparisonNamesPerDay: number;
  /**
   * The api's client-side limit on each PostgreSQL query, in ms, so a database that stops answering gives 503
   * within seconds; the worker allows five times as long (its jobs are retried, nobody waits on them).
   */
  databaseQueryTimeoutMs: number;
  /** Seconds between runs of the job that re-queues webhook events still pending in the inbox. */
  inboxDrainInterval: number;
  /** Seconds between each worker's checks that every periodic job is still scheduled (Redis may have lost it). */
  scheduleCheckInterval: number;
  characterWaitMs: number;
  /** Fetch Mythic+ and raid activity after a character refresh when the character logged in since the last fetch. */
  activityRefresh: boolean;
  /** A season's upgrade track table read from UPGRADE_TRACKS_FILE; it replaces the built-in one of its expansion. */
  upgradeTracks: TrackTable | null;
  workerConcurrency: number;
  debug: boolean;
  logLevel: string;
  /** `json` (one object a line, for collectors) everywhere but `npm run dev`, which asks for `pretty`. */
  logFormat: 'json' | 'pretty';
  webhookSecret: string | undefined;
  dashboard: { user: string; password: string } | undefined;
  forceHttps: boolean;
  trustProxy: boolean;
  rateLimitPerMinute: number;
  /** Requests per read-only API token per minute: a budget of its own, apart from its creator's. */
  apiTokenRateLimitPerMinute: number;
  /** Each region's weekly reset instant (weekday and UTC time): the defaults, with any WEEKLY_RESET_* override. */
  weeklyResets: ResetSchedule;
  /**
   * Tests only (refused in production): business time follows the instant a test sets in Redis under the
   * prefix, so separate api and worker processes move together.
   */
  followTestClock: boolean;
  /**
   * Tests only (refused in production): outbound deliveries (event endpoints, Discord) may go to plain http and
   * loopback addresses, so a receiver on this machine stands in for the real one. Private, link-local and
   * metadata addresses stay refused.
   */
  outboundAllowLoopbackForTests: boolean;
  /** Port of the built-in simulated upstreams started by `npm run dev`. */
  simPort: number;
  /** True when no upstream credentials are set outside production: the built-in simulators stand in. */
  usesSimulatedUpstreams: boolean;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

const DEV_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/test';

/** Parses an environment into a frozen Config, or throws one ConfigError naming every bad variable. */
/** Which process reads the config: only the api verifies tokens, so only it insists on JWT_SECRET_KEY. */
export type ConfigRole = 'api' | 'worker' | 'cli';

export function loadConfig(env: NodeJS.ProcessEnv | Record<string, string | undefined>, role: ConfigRole = 'api'): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'environment'}: ${issue.message}`);
    throw new ConfigError(problems);
  }
  const e = parsed.data;
  const isProduction = e.NODE_ENV === 'production';
  const problems: string[] = [];
  const required = (name: keyof typeof e, value: unknown, why: string) => {
    if (value === undefined) problems.push(`${name}: required ${why}`);
  };

  if (role === 'api') required('JWT_SECRET_KEY', e.JWT_SECRET_KEY, 'to verify access tokens');
  if (isProduction && role !== 'cli') {
    required('SECRET_KEY', e.SECRET_KEY, 'in production');
    required('DATABASE_URL', e.DATABASE_URL, 'in production');
    required('GUILD_API_URL', e.GUILD_API_URL, 'in production');
    required('BLIZZARD_CLIENT_ID', e.BLIZZARD_CLIENT_ID, 'in production');
    required('BLIZZARD_CLIENT_SECRET', e.BLIZZARD_CLIENT_SECRET, 'in production');
    required('WARCRAFTLOGS_CLIENT_ID', e.WARCRAFTLOGS_CLIENT_ID, 'in production');
    required('WARCRAFTLOGS_CLIENT_SECRET', e.WARCRAFTLOGS_CLIENT_SECRET, 'in production');
  }
  if (isProduction && e.FOLLOW_TEST_CLOCK) problems.push('FOLLOW_TEST_CLOCK: a test-only setting, refused in production');
  if (isProduction && e.OUTBOUND_ALLOW_LOOPBACK_FOR_TESTS) {
    problems.push('OUTBOUND_ALLOW_LOOPBACK_FOR_TESTS: a test-only setting, refused in production');
  }
  if (!e.BLIZZARD_API_BASE_URL.startsWith('http')) problems.push('BLIZZARD_API_BASE_URL: must be an http(s) URL');
  if ((e.QUEUE_DASHBOARD_USER === undefined) !== (e.QUEUE_DASHBOARD_PASSWORD === undefined)) {
    problems.push('QUEUE_DASHBOARD_USER/QUEUE_DASHBOARD_PASSWORD: set both or neither');
  }
  const corsOrigins = e.CORS_ORIGINS.split(',').map((o) => o.trim()).filter(Boolean);
  for (const origin of corsOrigins) {
    if (!z.url().safeParse(origin).success) problems.push(`CORS_ORIGINS: "${origin}" is not a URL`);
  }
  const resetOverrides: Partial<Record<RegionCode, WeeklyReset>> = {};
  for (const region of REGIONS) {
    const name = weeklyResetVariable(region);
    const text = empty(env[name]);
    if (text === undefined) continue;
    try {
      resetOverrides[region] = parseWeeklyReset(String(text));
    } catch (err) {
      problems.push(`${name}: ${(err as Error).message}`);
    }
  }
  let upgradeTracks: TrackTable | null = null;
  if (e.UPGRADE_TRACKS_FILE !== undefined) {
    try {
      upgradeTracks = readTrackTableFile(e.UPGRADE_TRACKS_FILE);
    } catch (err) {
      problems.push(`UPGRADE_TRACKS_FILE: ${(err as Error).message}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const usesSimulatedUpstreams =
    !isProduction && !e.BLIZZARD_CLIENT_ID && !e.WARCRAFTLOGS_CLIENT_ID && !e.GUILD_API_URL;

  const config: Config = {
    env: e.NODE_ENV,
    isProduction,
    port: e.PORT,
    workerPort: e.WORKER_PORT,
    host: e.HOST ?? (isProduction ? '0.0.0.0' : '127.0.0.1'),
    databaseUrl: e.DATABASE_URL ?? DEV_DATABASE_URL,
    redisUrl: e.REDIS_URL ?? 'redis://127.0.0.1:6379',
    redisClusterNodes: e.REDIS_CLUSTER_NODES,
    redisPrefix: e.REDIS_PREFIX,
    secretKey: e.SECRET_KEY ?? 'development-only-secret',
    jwtSecretKey: e.JWT_SECRET_KEY ?? '',
    jwtAccessTokenExpires: e.JWT_ACCESS_TOKEN_EXPIRES,
    jwtRefreshTokenExpires: e.JWT_REFRESH_TOKEN_EXPIRES,
    blizzard: {
      clientId: e.BLIZZARD_CLIENT_ID ?? 'simulated-client',
      clientSecret: e.BLIZZARD_CLIENT_SECRET ?? 'simulated-secret',
      region: e.BLIZZARD_REGION,
      timeoutMs: Math.round(e.BLIZZARD_API_TIMEOUT * 1000),
      apiBaseUrl: e.BLIZZARD_API_BASE_URL.replace(/\/+$/, ''),
      oauthUrl: e.BLIZZARD_OAUTH_URL as string,
      quotaPerSecond: e.BLIZZARD_QUOTA_PER_SECOND,
      quotaPerHour: e.BLIZZARD_QUOTA_PER_HOUR,
      quotaHeadroom: e.BLIZZARD_QUOTA_HEADROOM,
      quotaBurstShare: e.BLIZZARD_QUOTA_BURST_SHARE,
      quotaEdgeMs: e.BLIZZARD_QUOTA_EDGE_MS,
    },
    warcraftlogs: {
      clientId: e.WARCRAFTLOGS_CLIENT_ID ?? 'simulated-client',
      clientSecret: e.WARCRAFTLOGS_CLIENT_SECRET ?? 'simulated-secret',
      oauthUrl: e.WARCRAFTLOGS_OAUTH_URL as string,
      apiUrl: e.WARCRAFTLOGS_API_URL as string,
    },
    guildApi: { url: (e.GUILD_API_URL ?? 'http://127.0.0.1:5050/guild-api').replace(/\/+$/, ''), timeoutMs: Math.round(e.GUILD_API_TIMEOUT * 1000) },
    corsOrigins,
    characterCacheTtl: e.CHARACTER_CACHE_TTL,
    notFoundCacheTtl: e.NOT_FOUND_CACHE_TTL,
    permissionCacheTtl: Math.min(e.PERMISSION_CACHE_TTL, 60),
    guildSyncInterval: e.GUILD_SYNC_INTERVAL,
    freshness: {
      enabled: e.FRESHNESS_SCHEDULER,
      tickSeconds: e.FRESHNESS_TICK,
      // Never shorter than the windows they extend: a long CHARACTER_CACHE_TTL raises both.
      memberIntervalSeconds: Math.max(e.FRESHNESS_MEMBER_INTERVAL, e.CHARACTER_CACHE_TTL),
      maxAgeSeconds: Math.max(e.FRESHNESS_MAX_AGE, e.FRESHNESS_MEMBER_INTERVAL, e.CHARACTER_CACHE_TTL),
      demandWindowSeconds: e.FRESHNESS_DEMAND_WINDOW,
      overviewWindowSeconds: e.FRESHNESS_OVERVIEW_WINDOW,
      retirementDays: e.GUILD_RETIREMENT_DAYS,
      budgetShare: e.FRESHNESS_BUDGET_SHARE,
      raiderMaxRank: e.RAIDER_MAX_RANK,
    },
    inboxDrainInterval: e.INBOX_DRAIN_INTERVAL,
    comparisonNamesPerDay: e.COMPARISON_NAMES_PER_DAY,
    databaseQueryTimeoutMs: e.DATABASE_QUERY_TIMEOUT_MS,
    scheduleCheckInterval: e.SCHEDULE_CHECK_INTERVAL,
    characterWaitMs: e.CHARACTER_WAIT_MS,
    activityRefresh: e.ACTIVITY_REFRESH,
    upgradeTracks,
    workerConcurrency: e.WORKER_CONCURRENCY,
    debug: e.DEBUG,
    logLevel: e.LOG_LEVEL ?? (e.DEBUG ? 'debug' : 'info'),
    logFormat: e.LOG_FORMAT,
    webhookSecret: e.WEBHOOK_SECRET,
    dashboard:
      e.QUEUE_DASHBOARD_USER && e.QUEUE_DASHBOARD_PASSWORD
        ? { user: e.QUEUE_DASHBOARD_USER, password: e.QUEUE_DASHBOARD_PASSWORD }
        : undefined,
    forceHttps: typeof e.FORCE_HTTPS === 'boolean' ? e.FORCE_HTTPS : isProduction,
    trustProxy: typeof e.TRUST_PROXY === 'boolean' ? e.TRUST_PROXY : isProduction,
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    apiTokenRateLimitPerMinute: e.API_TOKEN_RATE_LIMIT_PER_MINUTE,
    weeklyResets: resetSchedule(resetOverrides),
    followTestClock: e.FOLLOW_TEST_CLOCK,
    outboundAllowLoopbackForTests: e.OUTBOUND_ALLOW_LOOPBACK_FOR_TESTS,
    simPort: e.SIM_PORT,
    usesSimulatedUpstreams,
  };
  return Object.freeze(config);
}

/** Reads the process environment once; the entry points call this and pass the result down. */
export function configFromProcess(role: ConfigRole): Config {
  return loadConfig(process.env, role);
}

/** The process environment, for the one place that starts child processes with it (the dev runner). */
export function processEnv(): Record<string, string | undefined> {
  return { ...process.env };
}

/**
 * Values `npm run dev` fills in when they are unset outside production, so a newcomer needs no .env.
 * None of them is ever used in production: there, loadConfig insists on real values.
 */
export const DEVELOPMENT_DEFAULTS: Readonly<Record<string, string>> = Object.freeze({
  JWT_SECRET_KEY: 'development-only-jwt-secret-change-me',
  WEBHOOK_SECRET: 'development-only-webhook-secret',
  QUEUE_DASHBOARD_USER: 'admin',
  QUEUE_DASHBOARD_PASSWORD: 'admin',
  // Human-readable lines in a terminal; JSON (for log collectors) everywhere else.
  LOG_FORMAT: 'pretty',
});

/** The URL a process on this machine reaches a server listening on `host` with: a wildcard address means loopback. */
export function localUrl(host: string, port: number): string {
  const reachable = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
}
