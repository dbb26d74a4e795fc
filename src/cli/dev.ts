import { DEVELOPMENT_DEFAULTS, loadConfig, localUrl, processEnv, ConfigError, type Config } from '../config.js';
import { openOrm } from '../db/orm.js';
import { isDatabaseUp } from '../db/health.js';
import { migrateUp } from '../db/migrate.js';
import { saveSeasonPlan } from '../db/tables/weekly-targets.js';
import { DEFAULT_SEASON_PLAN } from '../domain/season-plan.js';
import { createRedis, pingRedis } from '../redis.js';
import { startSimulator, type Simulator } from '../sim/index.js';
import { onStopSignals } from '../stop-signals.js';
import { runChild, stopChildren, type Child } from './children.js';
import { renderBanner, type BannerFacts } from './dev-banner.js';
import { firstPortProblem, type PortClaim } from './dev-ports.js';

/**
 * `npm run dev`: everything in one command. Checks the ports, Postgres and Redis, applies migrations, seeds the
 * season plan, starts the simulated upstreams when no credentials are set, then runs api and worker as children
 * and prints what to try once both answer. Its own lines are plain text; the children log through pino-pretty.
 */
const baseEnv = processEnv();
const isProduction = baseEnv.NODE_ENV === 'production';
const env: Record<string, string | undefined> = { ...baseEnv };
if (!isProduction) {
  for (const [key, value] of Object.entries(DEVELOPMENT_DEFAULTS)) if (!env[key]) env[key] = value;
}

const say = (line = '') => process.stdout.write(`${line}\n`);
const redactUrl = (url: string) => url.replace(/\/\/([^:@/]+):[^@/]+@/, '//$1:***@');

let config: Config;
try {
  config = loadConfig(env, 'api');
} catch (err) {
  process.stderr.write(`${err instanceof ConfigError ? err.message : String(err)}\n`);
  process.exit(1);
}

let stopping = false;
let children: Child[] = [];
let simulator: Simulator | undefined;
/** A child that does not stop within this long after SIGTERM is killed, and the runner exits non-zero. */
const STOP_GRACE_MS = 20_000;

function run(name: string, entry: string, childEnv: Record<string, string | undefined>): Child {
  return runChild(name, entry, childEnv, (status) => {
    if (!stopping) {
      say(`${name} exited (${status}); stopping everything`);
      void stop(1);
    }
  });
}

/**
 * Stops the children once: each gets one SIGTERM from here (when the whole group was signalled they also got
 * the kernel's, which they ignore while stopping), then the simulator closes, and the last line says how each
 * ended and with which status the runner exits.
 */
async function stop(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  const outcomes = await stopChildren(children, STOP_GRACE_MS);
  if (simulator) {
    await simulator.close();
    say('simulator stopped');
  }
  const exitCode = outcomes.every((o) => o.status === 0) ? code : 1;
  const how = outcomes.map((o) => `${o.name} exited ${o.status}`);
  say(`dev stopped${how.length ? `: ${how.join(', ')}` : ''}; exit ${exitCode}`);
  process.exit(exitCode);
}

async function checkServices(): Promise<boolean> {
  const orm = await openOrm({ databaseUrl: config.databaseUrl, poolMax: 1 });
  const redis = createRedis(config, 'request');
  await new Promise((resolve) => setTimeout(resolve, 300));
  const [database, cache] = await Promise.all([isDatabaseUp(orm, 3000), pingRedis(redis, 2000)]);
  let ok = true;
  if (!database) {
    ok = false;
    say(`PostgreSQL is not reachable at ${redactUrl(config.databaseUrl)}: start it (e.g. scripts/services-up.sh, or pg_ctlcluster <version> main start) or set DATABASE_URL.`);
  }
  if (!cache) {
    ok = false;
    say(`Redis is not reachable at ${redactUrl(config.redisUrl)}: start it (e.g. scripts/services-up.sh, or redis-server --daemonize yes) or set REDIS_URL.`);
  }
  if (ok) {
    const applied = await migrateUp(orm);
    const seeded = await saveSeasonPlan(orm.em.fork(), DEFAULT_SEASON_PLAN);
    say(`database: ${applied.length ? `applied ${applied.join(', ')}` : 'schema up to date'}; season plan: ${seeded ? `${seeded} week(s) written` : 'already loaded'}`);
  }
  redis.disconnect();
  await orm.close(true);
  return ok;
}

/** Resolves once every URL answers 2xx, or with false when a child has died or a minute has passed. */
async function waitUntilHealthy(urls: string[]): Promise<boolean> {
  const deadline = Date.now() + 60_000;
  while (!stopping && Date.now() < deadline) {
    const answers = await Promise.all(urls.map((url) => fetch(url, { signal: AbortSignal.timeout(2000) }).then((r) => r.ok, () => false)));
    if (answers.every(Boolean)) return true;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}

/** A configured value is printed only while it is the development default, never a secret of one's own. */
const devDefault = (key: string, value: string | undefined) => (value !== undefined && value === DEVELOPMENT_DEFAULTS[key] ? value : undefined);

function bannerFacts(apiUrl: string, workerUrl: string): BannerFacts {
  const roles = { guildMaster: 'GM_TOKEN', officer: 'OFFICER_TOKEN', member: 'MEMBER_TOKEN', otherGuildMember: 'OTHER_TOKEN' } as const;
  const sim = simulator;
  return {
    apiUrl,
    workerUrl,
    simulator: sim && {
      url: sim.url,
      // The guilds the demo users belong to.
      guilds: sim.world.guilds
        .filter((g) => Object.values(sim.world.demoUsers).some((bnetId) => (sim.world.users.get(bnetId) ?? []).some((c) => c.guild?.id === g.id)))
        .map((g) => ({ id: g.id, name: g.name, realm: g.realm.slug, region: g.region, members: g.members.length })),
      users: Object.entries(sim.world.demoUsers).map(([role, bnetId]) => ({
        variable: roles[role as keyof typeof roles],
        role,
        bnetId,
        token: sim.tokenFor(bnetId),
        characters: (sim.world.users.get(bnetId) ?? []).map((c) => ({ name: c.name, realm: c.realm.slug, region: c.region, guildId: c.guild?.id ?? null })),
      })),
    },
    jwtSecret: { value: devDefault('JWT_SECRET_KEY', config.jwtSecretKey) },
    webhookSecret: { configured: config.webhookSecret !== undefined, value: devDefault('WEBHOOK_SECRET', config.webhookSecret) },
    dashboard: config.dashboard && { user: config.dashboard.user, password: devDefault('QUEUE_DASHBOARD_PASSWORD', config.dashboard.password) },
  };
}

onStopSignals(() => void stop(0));

const claims: PortClaim[] = [
  { variable: 'PORT', port: config.port },
  { variable: 'WORKER_PORT', port: config.workerPort },
  ...(config.usesSimulatedUpstreams ? [{ variable: 'SIM_PORT', port: config.simPort }] : []),
];
const portProblem = await firstPortProblem(config.host, claims);
if (portProblem) {
  process.stderr.write(`${portProblem}\n`);
  process.exit(1);
}

if (!(await checkServices())) process.exit(1);

const childEnv: Record<string, string | undefined> = { ...env };
if (config.usesSimulatedUpstreams && !stopping) {
  simulator = await startSimulator({ port: config.simPort, host: config.host, jwtSecretKey: config.jwtSecretKey });
  Object.assign(childEnv, simulator.env);
  say(`no Battle.net, WarcraftLogs or guild-api credentials: using the built-in simulated upstreams on ${simulator.url}`);
}
if (!stopping) children = [run('api', 'api/main', childEnv), run('worker', 'worker/main', childEnv)];

const apiUrl = localUrl(config.host, config.port);
const workerUrl = localUrl(config.host, config.workerPort);
if (await waitUntilHealthy([`${apiUrl}/health`, `${workerUrl}/health`])) {
  for (const line of renderBanner(bannerFacts(apiUrl, workerUrl))) say(line);
} else if (!stopping) {
  say('api or worker did not become healthy within a minute; their log lines above say why');
  void stop(1);
}
