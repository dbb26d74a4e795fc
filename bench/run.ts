import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpus, loadavg, totalmem } from 'node:os';
import { parsePlan } from './options.js';
import { RssSampler } from './procs.js';
import { quotaBucketKey, startStack, type Stack } from './stack.js';
import { measureActivity, refreshesSettled, type ActivityFigures } from './phases/activity.js';
import { syncGuild, type SyncRun } from './phases/pipeline.js';
import { captureResponse, guildMaster, measureRead, readTargets, waitForOk, type RawResponse, type ReadFigures } from './phases/reads.js';
import { measureCache, type CacheFigures } from './phases/cache.js';
import { measureHourly, type HourlyFigures } from './phases/hourly.js';
import { fmt, printTable, printTargets, target, writeResults } from './report.js';
import { round } from './stats.js';
import type { SimGuild, WorldGuildSpec } from '../src/sim/index.js';

const plan = parsePlan(process.argv.slice(2));
const began = Date.now();
// Other work on the machine skews every figure here; recorded so a noisy run can be recognised.
const loadBefore = loadavg();
const say = (line: string) => process.stdout.write(`[${((Date.now() - began) / 1000).toFixed(0).padStart(3)}s] ${line}\n`);

// One guild per purpose, so no phase reads what another wrote. Ids are far from anything the demo world uses.
const READ_GUILD = 9101;
const PIPELINE_GUILD = 9102;
const HOURLY_GUILD = 9103;
const scalingIds = new Map(plan.scaling.map((size, i) => [size, size === plan.pipeline.members ? PIPELINE_GUILD : 9110 + i]));
const specs: WorldGuildSpec[] = [
  { id: READ_GUILD, name: 'Bench Readers', realm: 'area-52', region: 'us', members: plan.reads.guildMembers },
  { id: PIPELINE_GUILD, name: 'Bench Pipeline', realm: 'area-52', region: 'us', members: plan.pipeline.members },
  { id: HOURLY_GUILD, name: 'Bench Hourly', realm: 'stormrage', region: 'us', members: plan.hourly.members },
  ...plan.scaling
    .filter((size) => scalingIds.get(size) !== PIPELINE_GUILD)
    .map((size) => ({ id: scalingIds.get(size) as number, name: `Bench Scale ${size}`, realm: 'illidan', region: 'us' as const, members: size })),
];

const guildOf = (stack: Stack, id: number): SimGuild => {
  const guild = stack.sim.world.guilds.find((g) => g.id === id);
  if (!guild) throw new Error(`no simulated guild ${id}`);
  return guild;
};

if (loadBefore[0] !== undefined && loadBefore[0] > 0.5) say(`warning: load average ${loadBefore[0].toFixed(2)} before the run; other work will skew the figures`);
say(`starting stack (${plan.quick ? 'quick' : 'full'} run${plan.compiled ? ', compiled' : ''}; phases: ${[...plan.phases].join(', ')})`);
const stack = await startStack(specs, plan.compiled);
say(`api ${stack.api.url}, worker ${stack.worker.url}, simulator ${stack.sim.url}; logs in ${stack.logDir}${plan.keepLogs ? '' : ' (removed after a successful run)'}`);
const rss = new RssSampler(() => ({
  api: stack.api.child.pid,
  worker: stack.worker.child.pid,
  ...(stack.baseline ? { baseline: stack.baseline.child.pid } : {}),
  ...(stack.bare ? { bare: stack.bare.child.pid } : {}),
}));
rss.start();
const stop = () => void stack.close().finally(() => process.exit(130));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);

const quota = plan.pipeline.quotaPerSecond;
const syncOptions = (members: number) => ({ quotaPerSecond: quota, timeoutMs: Math.max(30_000, (members * 2 * 1000 * 3) / quota) });
const results: Record<string, unknown> = {};
let exitCode = 0;
try {
  stack.sim.setFaults({ latencyMs: plan.pipeline.latencyMs, perSecondQuota: quota });
  const read: Record<string, ReadFigures> = {};
  let seed: SyncRun | undefined;
  if (plan.phases.has('reads') || plan.phases.has('cache')) {
    const guild = guildOf(stack, READ_GUILD);
    rss.enter('seed');
    say(`seeding the read models: sync of ${guild.members.length} members`);
    seed = await syncGuild(stack, guild, syncOptions(guild.members.length));
    // The activity jobs queued behind the refreshes write too (and drop cached bodies): reads are measured
    // once they are done, in the steady state the read figures describe.
    await refreshesSettled(stack);
    say(`seeded in ${seed.wall_s} s (activity settled after)`);
  }
  if (plan.phases.has('reads')) {
    const guild = guildOf(stack, READ_GUILD);
    rss.enter('reads');
    await stack.startBaseline();
    const bnetId = guildMaster(guild);
    const headers = { authorization: `Bearer ${stack.token(bnetId)}` };
    const targets = readTargets(guild, plan);
    // The bare server sends the api's own answers: taken once both reads answer 200 from a warm cache.
    const captured: Record<string, RawResponse> = {};
    for (const t of targets) {
      await waitForOk(`${stack.api.url}${t.path}`, headers);
      captured[t.path] = await captureResponse(`${stack.api.url}${t.path}`, headers);
    }
    const capturedFile = join(stack.logDir, 'bare-responses.json');
    writeFileSync(capturedFile, JSON.stringify(captured));
    await stack.startBare(capturedFile);
    for (const t of targets) {
      rss.enter(`read.${t.label}`);
      say(`read.${t.label}: saturation (${plan.reads.connections} connections, ${plan.reads.saturationSeconds} s each) and ${t.rate} req/s fixed`);
      read[t.label] = await measureRead(stack, t, bnetId, plan, captured[t.path] as RawResponse);
      const r = read[t.label] as ReadFigures;
      say(`read.${t.label}: ${r.rps} req/s vs Koa+pg baseline ${r.baseline_rps} (×${r.ratio}) and bare node:http ${r.bare_rps} (×${r.bare_ratio}); p50/p95/p99 ${r.p50_ms}/${r.p95_ms}/${r.p99_ms} ms; same JSON: ${r.same_json}, same bytes: ${r.same_bytes}`);
      const d = r.fixed_load;
      say(`  api memory after saturation: ${JSON.stringify(r.api_memory_mb)} MB`);
      say(`  CPU per request at saturation: api ${r.cpu_us_per_request.api} µs + Redis ${r.cpu_us_per_request.redis} µs; bare server ${r.cpu_us_per_request.bare} µs; cache hits ${r.saturation_hit_rate}`);
      say(`  in the api ${d.server_p50_ms}/${d.server_p95_ms}/${d.server_p99_ms} ms, event loop p99 ${d.event_loop_p99_ms} ms; api ${d.api_core_share}, load generator ${d.loadgen_core_share} of a core, machine ${round(d.machine_busy * 100, 0)} % busy (${d.other_cores} cores used by everything else)`);
    }
    await stack.bare?.child.stop();
    stack.bare = undefined;
    await stack.baseline?.child.stop();
    stack.baseline = undefined;
  }

  let pipeline: SyncRun | undefined;
  let activity: ActivityFigures | undefined;
  if (plan.phases.has('pipeline') || plan.phases.has('scaling')) {
    const guild = guildOf(stack, PIPELINE_GUILD);
    rss.enter('pipeline');
    say(`pipeline: resync of ${guild.members.length} members (${plan.pipeline.latencyMs} ms latency, ${quota} req/s quota)`);
    const beforePipeline = { ...stack.sim.counters().blizzard.byPath };
    pipeline = await syncGuild(stack, guild, syncOptions(guild.members.length));
    say(`pipeline: ${pipeline.wall_s} s, ${pipeline.achieved_rps} req/s (${round(pipeline.utilisation * 100, 1)} %), over quota ${pipeline.over_quota}, ${pipeline.cpu_ms_per_character} ms CPU/character`);
    activity = await measureActivity(stack, guild, beforePipeline, plan.quick ? 10 : 100);
    const { first_resync: first, refresh_again: again } = activity;
    say(`activity: first resync of ${first.members}: ${first.profile} profile, ${first.equipment} equipment, ${first.activity} activity requests; ` +
      `${again.refreshed} refreshed again, ${again.logged_in} of them logged in since: ${again.activity} activity requests`);
  }

  let hourly: HourlyFigures | undefined;
  if (plan.phases.has('hourly')) {
    const guild = guildOf(stack, HOURLY_GUILD);
    rss.enter('hourly');
    const requestsPerMember = pipeline ? pipeline.upstream_requests / pipeline.members : 2;
    say(`hourly: resync of ${guild.members.length} members with the hourly quota at ${plan.hourly.ratePerSecond}/s`);
    hourly = await measureHourly(stack, guild, { ratePerSecond: plan.hourly.ratePerSecond, requestsPerMember, perSecondQuota: quota });
    say(`hourly: ${hourly.achieved_rps} req/s against ${hourly.hourly_rate}/s hourly, over the hourly rate ${hourly.over_hourly}, over per-second quota ${hourly.over_quota}`);
  }

  let cache: CacheFigures | undefined;
  if (plan.phases.has('cache')) {
    const guild = guildOf(stack, READ_GUILD);
    rss.enter('cache');
    say(`cache: ${plan.cache.requests} reads in ${plan.cache.seconds} s from cold, then as many with the guild's hourly sync in the middle (Zipf over ${guild.members.length} characters)`);
    cache = await measureCache(stack, guild, plan);
    say(`cache: hit rate ${round(cache.hit_rate * 100, 2)} % with the sync in the middle (${cache.sync.refreshed} of ${cache.sync.due} due members refreshed in ${cache.sync.wall_s} s), ${round(cache.cold.hit_rate * 100, 2)} % from cold before`);
  }

  const scaling: Array<SyncRun & { wall_ms_per_member: number }> = [];
  if (plan.phases.has('scaling')) {
    for (const size of plan.scaling) {
      const id = scalingIds.get(size) as number;
      let run = id === PIPELINE_GUILD ? pipeline : undefined;
      if (!run) {
        rss.enter(`scaling-${size}`);
        // Each size starts with the hour's budget whole, as the pipeline did: otherwise the requests of the
        // phases before it (activity doubles a first fetch's) drain the hourly bucket and the run measures the
        // refill rate instead of the pipeline.
        await stack.redis.del(quotaBucketKey(stack.redisPrefix));
        say(`scaling: resync of ${size} members`);
        run = await syncGuild(stack, guildOf(stack, id), syncOptions(size));
      }
      scaling.push({ ...run, wall_ms_per_member: round((run.wall_s * 1000) / run.members, 2) });
      say(`scaling: ${size} members in ${run.wall_s} s, ${run.cpu_ms_per_character} ms CPU/character`);
    }
  }

  const peaks = rss.stop();
  const machine = {
    cores: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    memory_gb: round(totalmem() / 2 ** 30, 1),
    node: process.version,
    date: new Date().toISOString(),
    note: 'load generator, simulator, api, worker, PostgreSQL and Redis share these cores',
    loadavg_before: loadBefore.map((l) => round(l, 2)),
    loadavg_after: loadavg().map((l) => round(l, 2)),
  };
  const pipelineOut = pipeline && {
    members: pipeline.members,
    wall_s: pipeline.wall_s,
    utilisation: pipeline.utilisation,
    over_quota: pipeline.over_quota,
    cpu_ms_per_character: pipeline.cpu_ms_per_character,
    achieved_rps: pipeline.achieved_rps,
    upstream_requests: pipeline.upstream_requests,
    rate_limited: pipeline.rate_limited,
    done: pipeline.done,
    per_second: pipeline.per_second,
  };
  Object.assign(results, {
    mode: plan.quick ? 'quick' : 'full',
    children: plan.compiled ? 'node dist/src/…/main.js' : 'node --import tsx src/…/main.ts',
    read: Object.keys(read).length ? read : undefined,
    pipeline: pipelineOut,
    activity,
    hourly,
    cache: cache && {
      hit_rate: cache.hit_rate,
      by_kind: cache.by_kind,
      requests: cache.requests,
      distinct_characters: cache.distinct_characters,
      rps: cache.load.rps,
      non2xx: cache.load.non2xx,
      sync: cache.sync,
      cold: cache.cold,
    },
    rss_mb: { api: round(peaks.api ?? Number.NaN, 1), worker: round(peaks.worker ?? Number.NaN, 1), by_phase: rss.phases() },
    scaling: scaling.map((s) => ({
      members: s.members,
      wall_s: s.wall_s,
      wall_ms_per_member: s.wall_ms_per_member,
      cpu_ms_per_character: s.cpu_ms_per_character,
      utilisation: s.utilisation,
      achieved_rps: s.achieved_rps,
      over_quota: s.over_quota,
      per_second: s.per_second,
    })),
    seed: seed && { members: seed.members, wall_s: seed.wall_s },
    machine,
    duration_s: round((Date.now() - began) / 1000, 1),
  });
  const targets = [
    target('read.character.ratio', read.character?.ratio, 0.7, 'min'),
    target('read.overview.ratio', read.overview?.ratio, 0.7, 'min'),
    target('read.character.bare_ratio', read.character?.bare_ratio, 0.5, 'min'),
    target('read.overview.bare_ratio', read.overview?.bare_ratio, 0.5, 'min'),
    target('read.character.p95_ms', read.character?.p95_ms, 5, 'max'),
    target('read.character.p99_ms', read.character?.p99_ms, 15, 'max'),
    target('read.overview.p95_ms', read.overview?.p95_ms, 15, 'max'),
    target('pipeline.utilisation', pipeline?.utilisation, 0.9, 'min'),
    target('pipeline.over_quota', pipeline?.over_quota, 0, 'eq'),
    target('pipeline.cpu_ms_per_character', pipeline?.cpu_ms_per_character, 2, 'max'),
    target('cache.hit_rate', cache?.hit_rate, 0.97, 'min'),
    target('rss_mb.api', results.rss_mb ? (results.rss_mb as { api: number }).api : undefined, 150, 'max'),
  ];
  results.targets = targets;
  writeResults(plan.out, results);

  printTable('progress-api benchmark', [
    ['machine', `${machine.cores} cores, ${machine.cpu}, node ${machine.node} (shared with the load generator)`],
    ...Object.entries(read).map(([k, r]): [string, string] => [
      `read.${k}`,
      `${fmt(r.rps, 0)} req/s vs Koa+pg ${fmt(r.baseline_rps, 0)} = ×${fmt(r.ratio)}, vs bare node:http ${fmt(r.bare_rps, 0)} = ×${fmt(r.bare_ratio)}; at ${r.offered_rps} req/s p50 ${fmt(r.p50_ms)} p95 ${fmt(r.p95_ms)} p99 ${fmt(r.p99_ms)} ms`,
    ]),
    ...(pipeline ? [['pipeline', `${pipeline.members} members in ${pipeline.wall_s} s, ${pipeline.achieved_rps} req/s = ${fmt(pipeline.utilisation * 100, 1)} % of quota, over ${pipeline.over_quota}, ${pipeline.cpu_ms_per_character} ms CPU/char`] as [string, string]] : []),
    ...(hourly ? [['hourly', `${hourly.members} members at ${hourly.achieved_rps} req/s under an hourly rate of ${hourly.hourly_rate}/s, over hourly ${hourly.over_hourly}, over per-second ${hourly.over_quota}`] as [string, string]] : []),
    ...(cache ? [['cache', `hit rate ${fmt(cache.hit_rate * 100, 2)} % over ${cache.requests} reads with a sync refreshing ${cache.sync.refreshed} members in the middle (${fmt(cache.cold.hit_rate * 100, 2)} % from cold)`] as [string, string]] : []),
    ['rss', `api ${fmt(peaks.api, 0)} MB, worker ${fmt(peaks.worker, 0)} MB (peak)`],
    ...scaling.map((s): [string, string] => [`scaling ${s.members}`, `${s.wall_s} s (${s.wall_ms_per_member} ms/member), ${s.cpu_ms_per_character} ms CPU/char`]),
  ]);
  printTargets(targets);
  say(`results written to ${plan.out}`);
} catch (error) {
  exitCode = 1;
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}\nlogs: ${stack.logDir}\n`);
} finally {
  rss.stop();
  await stack.close();
  if (exitCode === 0 && !plan.keepLogs) rmSync(stack.logDir, { recursive: true, force: true });
}
process.exit(exitCode);
