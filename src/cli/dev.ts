import { spawn, type ChildProcess } from 'node:child_process';
import { DEVELOPMENT_DEFAULTS, loadConfig, processEnv, ConfigError, type Config } from '../config.js';
import { createLogger } from '../logger.js';
import { openOrm } from '../db/orm.js';
import { isDatabaseUp } from '../db/health.js';
import { migrateUp } from '../db/migrate.js';
import { saveSeasonPlan } from '../db/tables/weekly-targets.js';
import { DEFAULT_SEASON_PLAN } from '../domain/season-plan.js';
import { createRedis, pingRedis } from '../redis.js';
import { startSimulator, type Simulator } from '../sim/index.js';

/**
 * `npm run dev`: everything in one command. Checks Postgres and Redis, applies migrations, seeds the season
 * plan, starts the simulated upstreams when no credentials are set, then runs api and worker as children.
 */
const baseEnv = processEnv();
const isProduction = baseEnv.NODE_ENV === 'production';
const env: Record<string, string | undefined> = { ...baseEnv };
if (!isProduction) {
  for (const [key, value] of Object.entries(DEVELOPMENT_DEFAULTS)) if (!env[key]) env[key] = value;
}

let config: Config;
try {
  config = loadConfig(env, 'api');
} catch (err) {
  process.stderr.write(`${err instanceof ConfigError ? err.message : String(err)}\n`);
  process.exit(1);
}
const logger = createLogger({ level: config.logLevel, name: 'dev' });
const say = (line = '') => process.stdout.write(`${line}\n`);
const redactUrl = (url: string) => url.replace(/\/\/([^:@/]+):[^@/]+@/, '//$1:***@');

async function checkServices(): Promise<boolean> {
  const orm = await openOrm({ databaseUrl: config.databaseUrl, poolMax: 1 });
  const redis = createRedis(config.redisUrl, 'request');
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

function run(name: string, entry: string, childEnv: Record<string, string | undefined>): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], { env: childEnv, stdio: ['ignore', 'inherit', 'inherit'] });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      say(`${name} exited (${signal ?? code}); stopping everything`);
      void stop(1);
    }
  });
  return child;
}

let stopping = false;
let children: ChildProcess[] = [];
let simulator: Simulator | undefined;

async function stop(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  await Promise.all(
    children.map((child) => new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    })),
  );
  await simulator?.close();
  process.exit(code);
}

function printWelcome(api: string): void {
  say();
  say(`progress-api is running: ${api}`);
  say(`  health      ${api}/health`);
  say(`  metrics     ${api}/metrics   (worker: http://127.0.0.1:${config.workerPort}/metrics)`);
  say(`  openapi     ${api}/openapi.json`);
  if (config.dashboard) say(`  dashboard   ${api}/admin/queues   (user "${config.dashboard.user}", password from QUEUE_DASHBOARD_PASSWORD)`);
  if (!simulator) return;
  const guild = simulator.world.guilds[0];
  const users = simulator.world.demoUsers;
  say();
  say(`Simulated Battle.net, WarcraftLogs and guild-api: ${simulator.url}`);
  say(`Demo users (tokens valid for one hour; restart to get new ones):`);
  for (const [role, bnetId] of Object.entries(users)) {
    const chars = simulator.world.users.get(bnetId) ?? [];
    say(`  ${role.padEnd(17)} bnet_id ${bnetId}  characters: ${chars.map((c) => `${c.name}-${c.realm.slug}`).join(', ')}`);
    say(`    TOKEN_${bnetId}=${simulator.tokenFor(bnetId)}`);
  }
  if (guild) {
    const mine = simulator.world.users.get(users.guildMaster)?.[0];
    say();
    say('Try (the first read of a guild syncs its roster in the background):');
    say(`  curl -H "Authorization: Bearer $TOKEN_${users.guildMaster}" ${api}/guilds/${guild.id}/progress/characters`);
    say(`  curl -H "Authorization: Bearer $TOKEN_${users.officer}" "${api}/guilds/${guild.id}/progress/members?sort=ilvl"`);
    if (mine) say(`  curl -H "Authorization: Bearer $TOKEN_${users.guildMaster}" "${api}/guilds/${guild.id}/progress/character/${encodeURIComponent(mine.name)}?realm=${mine.realm.slug}"`);
    say(`  curl -H "Authorization: Bearer $TOKEN_${users.member}" ${api}/guilds/${guild.id}/progress/roadmap`);
    say(`  curl -X PUT -H "Authorization: Bearer $TOKEN_${users.guildMaster}" -H 'content-type: application/json' -d '{"message":"Focus on DPS!"}' ${api}/guilds/${guild.id}/progress/message`);
  }
  say();
  say('Ctrl-C stops everything.');
}

process.once('SIGINT', () => void stop(0));
process.once('SIGTERM', () => void stop(0));

if (!(await checkServices())) process.exit(1);

const childEnv: Record<string, string | undefined> = { ...env };
if (config.usesSimulatedUpstreams) {
  simulator = await startSimulator({ port: config.simPort, jwtSecretKey: config.jwtSecretKey });
  Object.assign(childEnv, simulator.env);
  logger.info({ url: simulator.url }, 'no Battle.net, WarcraftLogs or guild-api credentials: using the built-in simulated upstreams');
}
children = [run('api', 'src/api/main.ts', childEnv), run('worker', 'src/worker/main.ts', childEnv)];

const apiUrl = `http://127.0.0.1:${config.port}`;
for (let i = 0; i < 120 && !stopping; i += 1) {
  const up = await fetch(`${apiUrl}/health`).then((r) => r.ok, () => false);
  if (up) break;
  await new Promise((resolve) => setTimeout(resolve, 250));
}
printWelcome(apiUrl);
