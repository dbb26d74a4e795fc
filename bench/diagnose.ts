import { readFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { cpuMs } from './procs.js';
import { scrape, sum } from './prom.js';
import { percentile, round } from './stats.js';

/** Where the time of a measured window went, to tell the service's own latency from the machine's. */
export interface WindowDiagnosis {
  /** In-handler time from the api's access log (request-context middleware start to finish). */
  server_p50_ms: number;
  server_p95_ms: number;
  server_p99_ms: number;
  /** The api's event-loop delay over the window, from prom-client's monitor (reset at every scrape). */
  event_loop_p99_ms: number;
  event_loop_max_ms: number;
  /** Share of one core used by the api, by this process (load generator + simulator), and of the whole machine. */
  api_core_share: number;
  loadgen_core_share: number;
  machine_busy: number;
  /** Cores' worth of CPU used by everything else (Redis, Postgres, the worker, other jobs on the machine). */
  other_cores: number;
}

export async function diagnose<T>(api: { url: string; pid: number; logFile: string }, route: string, run: () => Promise<T>): Promise<{ result: T; diagnosis: WindowDiagnosis }> {
  await scrape(`${api.url}/metrics`);
  const [apiBefore, machineBefore] = await Promise.all([cpuMs(api.pid), machineTicks()]);
  const selfBefore = process.cpuUsage();
  const startedAt = Date.now();
  const result = await run();
  const endedAt = Date.now();
  const selfUsed = process.cpuUsage(selfBefore);
  const [apiAfter, machineAfter, metrics] = await Promise.all([cpuMs(api.pid), machineTicks(), scrape(`${api.url}/metrics`)]);
  const wallMs = endedAt - startedAt;
  const server = await serverTimes(api.logFile, route, startedAt, endedAt);
  const busy = 1 - (machineAfter.idle - machineBefore.idle) / Math.max(1, machineAfter.total - machineBefore.total);
  const apiShare = ((apiAfter ?? 0) - (apiBefore ?? 0)) / wallMs;
  const loadgenShare = (selfUsed.user + selfUsed.system) / 1000 / wallMs;
  return {
    result,
    diagnosis: {
      server_p50_ms: round(percentile(server, 50)),
      server_p95_ms: round(percentile(server, 95)),
      server_p99_ms: round(percentile(server, 99)),
      event_loop_p99_ms: round(sum(metrics, 'nodejs_eventloop_lag_p99_seconds') * 1000),
      event_loop_max_ms: round(sum(metrics, 'nodejs_eventloop_lag_max_seconds') * 1000),
      api_core_share: round(apiShare, 3),
      loadgen_core_share: round(loadgenShare, 3),
      machine_busy: round(busy, 3),
      other_cores: round(Math.max(0, busy * cpus().length - apiShare - loadgenShare), 2),
    },
  };
}

/** The `ms` of every access-log line of one route template inside the window. */
async function serverTimes(logFile: string, route: string, from: number, to: number): Promise<number[]> {
  const text = await readFile(logFile, 'utf8').catch(() => '');
  const times: number[] = [];
  const needle = `"route":${JSON.stringify(route)}`;
  for (const line of text.split('\n')) {
    if (!line.includes(needle)) continue;
    try {
      const entry = JSON.parse(line) as { time?: string; ms?: number };
      const at = Date.parse(entry.time ?? '');
      if (at >= from && at <= to && typeof entry.ms === 'number') times.push(entry.ms);
    } catch {
      // not a log line (e.g. --trace-gc output)
    }
  }
  return times;
}

async function machineTicks(): Promise<{ idle: number; total: number }> {
  const line = (await readFile('/proc/stat', 'utf8').catch(() => '')).split('\n')[0] ?? '';
  const fields = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  return { idle, total: fields.reduce((a, b) => a + b, 0) };
}
