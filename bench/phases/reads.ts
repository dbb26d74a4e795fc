import { cpuMs } from '../procs.js';
import { request } from 'node:http';
import type { SimGuild } from '../../src/sim/index.js';
import { load, steady, type LoadResult } from '../load.js';
import { round } from '../stats.js';
import { diagnose, type WindowDiagnosis } from '../diagnose.js';
import { scrape, sum } from '../prom.js';
import type { Stack } from '../stack.js';
import type { BenchPlan } from '../options.js';

export interface ReadFigures {
  /** Service ÷ the Koa+pg baseline (which always goes to PostgreSQL). */
  ratio: number;
  rps: number;
  baseline_rps: number;
  /** Service ÷ the bare `node:http` server sending the service's own bytes: what the service's layers cost. */
  bare_ratio: number;
  bare_rps: number;
  /** The bare server answered with the same status, headers and body bytes as the service. */
  same_bytes: boolean;
  /** At the fixed offered load. */
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  offered_rps: number;
  achieved_rps: number;
  saturation: LoadResult;
  baseline: LoadResult;
  bare: LoadResult;
  /**
   * CPU per request during the saturation runs (µs, /proc, 10 ms ticks): the api's and Redis's while the service
   * was loaded, the bare server's while it was. They explain `bare_ratio` on a machine whose two cores are shared
   * by the load generator, the api and Redis: the ratio follows what each request costs the whole machine.
   */
  cpu_us_per_request: { api: number; redis: number; bare: number };
  /** Cache hits ÷ (hits + misses) of the service's saturation runs: a cached body expiring in one shows here. */
  saturation_hit_rate: number;
  /** The api's memory right after saturation: resident, V8 heap (total and used) and external. */
  api_memory_mb: Record<string, number>;
  /** Where the time went during the fixed-load window. */
  fixed_load: WindowDiagnosis;
  /** The baseline's body equals the service's, so both do the same work. */
  same_json: boolean;
  non2xx: number;
}

export interface ReadTarget {
  label: 'character' | 'overview';
  /** Route template as the access log names it. */
  route: string;
  path: string;
  baselinePath: string;
  rate: number;
  /** Connections of the steady load: each sends rate/connections requests per second, in its own slot. */
  rateConnections: number;
}

/** The guild's GM: rank 0 may read both the character view and the officer overview. */
export function guildMaster(guild: SimGuild): number {
  const gm = guild.members.find((m) => m.rankId === 0);
  if (!gm) throw new Error(`guild ${guild.id} has no guild master`);
  return gm.bnetId;
}

export function readTargets(guild: SimGuild, plan: BenchPlan): ReadTarget[] {
  const member = guild.members.find((m) => m.rankId === 0) ?? guild.members[0];
  if (!member) throw new Error('empty guild');
  const character = `/guilds/${guild.id}/progress/character/${encodeURIComponent(member.characterName)}?realm=${member.realmSlug}`;
  // The whole roster on one page, as an officer reviewing the guild sees it.
  const overview = `/guilds/${guild.id}/progress/members?limit=${Math.max(guild.members.length, 1)}`;
  return [
    { label: 'character', route: '/guilds/:guild_id/progress/character/:character_name', path: character, baselinePath: character, rate: plan.reads.characterRate, rateConnections: 50 },
    { label: 'overview', route: '/guilds/:guild_id/progress/members', path: overview, baselinePath: overview, rate: plan.reads.overviewRate, rateConnections: 10 },
  ];
}

/** One HTTP response as sent: status, header pairs (hop-by-hop ones left out) and the body's bytes. */
export interface RawResponse {
  status: number;
  headers: Array<[string, string]>;
  body: string;
}

/** Headers Node's http server adds by itself to every response, the bare server's as well as the api's. */
const ADDED_BY_NODE = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding']);

/** The api's response to one read, byte for byte, for the bare server to send back (body base64-encoded). */
export function captureResponse(url: string, headers: Record<string, string>): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const pairs: Array<[string, string]> = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2) {
          const name = res.rawHeaders[i] as string;
          if (!ADDED_BY_NODE.has(name.toLowerCase())) pairs.push([name, res.rawHeaders[i + 1] as string]);
        }
        resolve({ status: res.statusCode ?? 0, headers: pairs, body: Buffer.concat(chunks).toString('base64') });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * Saturation of the service, of the Koa+pg baseline and of the bare `node:http` server, alternating in two
 * halves so that background load that drifts during the run weighs on all alike, then latency at a fixed
 * offered load. Tokens are valid, permissions and responses cached by the warm-up. The same request (path and
 * headers) goes to the service and to the bare server, over the same number of connections.
 */
export async function measureRead(stack: Stack, target: ReadTarget, bnetId: number, plan: BenchPlan, captured: RawResponse): Promise<ReadFigures> {
  const { baseline, bare } = stack;
  if (!baseline || !bare) throw new Error('baseline and bare servers not started');
  const headers = { authorization: `Bearer ${stack.token(bnetId)}` };
  const apiUrl = `${stack.api.url}${target.path}`;
  const baseUrl = `${baseline.url}${target.baselinePath}`;
  const bareUrl = `${bare.url}${target.path}`;
  const sameJson = await compareBodies(apiUrl, baseUrl, headers);
  const sameBytes = await compareBytes(captured, apiUrl, bareUrl, headers);

  const { connections, saturationSeconds, warmupSeconds, latencySeconds } = plan.reads;
  await load({ url: apiUrl, headers, connections, seconds: warmupSeconds });
  await load({ url: baseUrl, connections, seconds: warmupSeconds });
  await load({ url: bareUrl, headers, connections, seconds: warmupSeconds });
  const half = Math.max(0.5, saturationSeconds / 2);
  const rounds: Array<[LoadResult, LoadResult, LoadResult]> = [];
  const redisPid = await redisPidOf(stack);
  const cpu = { api: 0, apiRedis: 0, bare: 0, apiRequests: 0, bareRequests: 0, hits: 0, misses: 0 };
  for (let i = 0; i < 2; i += 1) {
    const cacheBefore = await cacheCounts(stack.api.url);
    const [ours, apiCpu] = await cpuDuring([stack.api.child.pid, redisPid], () => load({ url: apiUrl, headers, connections, seconds: half }));
    const cacheAfter = await cacheCounts(stack.api.url);
    cpu.hits += cacheAfter.hits - cacheBefore.hits;
    cpu.misses += cacheAfter.misses - cacheBefore.misses;
    const koa = await load({ url: baseUrl, connections, seconds: half });
    const [floorRun, bareCpu] = await cpuDuring([bare.child.pid], () => load({ url: bareUrl, headers, connections, seconds: half }));
    rounds.push([ours, koa, floorRun]);
    cpu.api += apiCpu[0] ?? Number.NaN;
    cpu.apiRedis += apiCpu[1] ?? Number.NaN;
    cpu.bare += bareCpu[0] ?? Number.NaN;
    cpu.apiRequests += ours.requests;
    cpu.bareRequests += floorRun.requests;
  }
  const memory = await memoryOf(stack.api.url);
  const saturation = combine(rounds.map((r) => r[0]));
  const base = combine(rounds.map((r) => r[1]));
  const floor = combine(rounds.map((r) => r[2]));
  const api = { url: stack.api.url, pid: stack.api.child.pid, logFile: stack.api.child.logFile };
  const { result: fixed, diagnosis } = await diagnose(api, target.route, () =>
    steady({ url: apiUrl, headers, connections: target.rateConnections, seconds: latencySeconds, rate: target.rate }),
  );
  return {
    ratio: round(saturation.rps / Math.max(base.rps, 1e-9), 3),
    rps: saturation.rps,
    baseline_rps: base.rps,
    bare_ratio: round(saturation.rps / Math.max(floor.rps, 1e-9), 3),
    bare_rps: floor.rps,
    same_bytes: sameBytes,
    p50_ms: fixed.p50_ms,
    p95_ms: fixed.p95_ms,
    p99_ms: fixed.p99_ms,
    offered_rps: target.rate,
    achieved_rps: fixed.rps,
    saturation,
    baseline: base,
    bare: floor,
    fixed_load: diagnosis,
    api_memory_mb: memory,
    saturation_hit_rate: round(cpu.hits / Math.max(1, cpu.hits + cpu.misses), 4),
    cpu_us_per_request: {
      api: round((1000 * cpu.api) / Math.max(1, cpu.apiRequests), 1),
      redis: round((1000 * cpu.apiRedis) / Math.max(1, cpu.apiRequests), 1),
      bare: round((1000 * cpu.bare) / Math.max(1, cpu.bareRequests), 1),
    },
    same_json: sameJson,
    non2xx: saturation.non2xx + fixed.non2xx + base.non2xx + floor.non2xx,
  };
}

async function memoryOf(url: string): Promise<Record<string, number>> {
  const samples = await scrape(`${url}/metrics`);
  const mb = (name: string) => round(sum(samples, name) / 2 ** 20, 1);
  return {
    rss: mb('process_resident_memory_bytes'),
    heap_total: mb('nodejs_heap_size_total_bytes'),
    heap_used: mb('nodejs_heap_size_used_bytes'),
    external: mb('nodejs_external_memory_bytes'),
  };
}

/** Two equal-length runs as one: throughput averaged, percentiles of the worse half (conservative). */
function combine(runs: LoadResult[]): LoadResult {
  const worst = (key: 'p50_ms' | 'p95_ms' | 'p99_ms') => Math.max(...runs.map((r) => r[key]));
  return {
    requests: runs.reduce((n, r) => n + r.requests, 0),
    rps: round(runs.reduce((n, r) => n + r.rps, 0) / runs.length, 1),
    p50_ms: worst('p50_ms'),
    p95_ms: worst('p95_ms'),
    p99_ms: worst('p99_ms'),
    non2xx: runs.reduce((n, r) => n + r.non2xx, 0),
    errors: runs.reduce((n, r) => n + r.errors, 0),
  };
}

/** Polls until the service answers 200 (a first read may be 202 while the character is fetched). */
export async function waitForOk(url: string, headers: Record<string, string>, timeoutMs = 30_000): Promise<unknown> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const res = await fetch(url, { headers });
    if (res.status === 200) return res.json();
    last = `${res.status} ${await res.text()}`;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms (last: ${last.slice(0, 300)})`);
}

async function compareBodies(apiUrl: string, baseUrl: string, headers: Record<string, string>): Promise<boolean> {
  const [ours, theirs] = await Promise.all([waitForOk(apiUrl, headers), waitForOk(baseUrl, {})]);
  if (JSON.stringify(ours) === JSON.stringify(theirs)) return true;
  // Say where they differ, so a field added to one and not the other is found at once.
  const a = ours as Record<string, unknown>;
  const b = theirs as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(a ?? {}), ...Object.keys(b ?? {})])].filter((k) => JSON.stringify(a?.[k]) !== JSON.stringify(b?.[k]));
  console.error(`baseline differs from ${new URL(apiUrl).pathname} in: ${keys.join(', ')}`);
  for (const key of keys.slice(0, 3)) console.error(`  ${key}: api ${JSON.stringify(a?.[key]).slice(0, 400)} / baseline ${JSON.stringify(b?.[key]).slice(0, 400)}`);
  return false;
}

/**
 * The bare server sends what it was given (status, every header, body), and the api still sends that body: so
 * both serve the same bytes, save the values that change per request (request id, rate-limit budget).
 */
async function compareBytes(captured: RawResponse, apiUrl: string, bareUrl: string, headers: Record<string, string>): Promise<boolean> {
  const [ours, theirs] = await Promise.all([captureResponse(apiUrl, headers), captureResponse(bareUrl, headers)]);
  const text = (r: RawResponse) => r.headers.map(([n, v]) => `${n}: ${v}`).join('\n');
  const bareSame = theirs.status === captured.status && theirs.body === captured.body && text(theirs) === text(captured);
  const apiSame = ours.status === captured.status && ours.body === captured.body && ours.headers.length === captured.headers.length;
  if (!bareSame || !apiSame) {
    console.error(`bare server differs for ${new URL(apiUrl).pathname}: status ${captured.status} (api now ${ours.status}, bare ${theirs.status}), ` +
      `body ${apiSame ? 'same' : 'changed'}, headers\n${text(captured)}\n--- bare:\n${text(theirs)}`);
  }
  return bareSame && apiSame;
}

/** The Redis server's pid, when it runs on this machine (it always does for the bench: 127.0.0.1). */
async function redisPidOf(stack: Stack): Promise<number | undefined> {
  const info = await stack.redis.info('server').catch(() => '');
  const pid = /^process_id:(\d+)/m.exec(info)?.[1];
  return pid === undefined ? undefined : Number(pid);
}

/** CPU ms each process used while `fn` ran (NaN for a process that could not be read). */
async function cpuDuring<T>(pids: Array<number | undefined>, fn: () => Promise<T>): Promise<[T, number[]]> {
  const read = () => Promise.all(pids.map((pid) => (pid === undefined ? Promise.resolve(undefined) : cpuMs(pid))));
  const before = await read();
  const result = await fn();
  const after = await read();
  return [result, after.map((a, i) => (a === undefined || before[i] === undefined ? Number.NaN : a - (before[i] as number)))];
}

/** The api's cache hit and miss counters, all kinds. */
async function cacheCounts(url: string): Promise<{ hits: number; misses: number }> {
  const samples = await scrape(`${url}/metrics`);
  return { hits: sum(samples, 'progress_cache_hits_total'), misses: sum(samples, 'progress_cache_misses_total') };
}
