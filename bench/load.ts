import autocannon from 'autocannon';
import { percentile, round } from './stats.js';

export interface LoadResult {
  requests: number;
  rps: number;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  non2xx: number;
  errors: number;
}

export interface LoadOptions {
  url: string;
  headers?: Record<string, string>;
  connections: number;
  seconds?: number;
  /** Fixed offered load (requests/s over all connections); unset = as fast as the server answers. */
  rate?: number;
  /** Requests to send in order instead of `url`'s own path; the run ends when they are used up. */
  script?: Array<{ path: string; headers?: Record<string, string> }>;
}

/**
 * One autocannon run. Latencies are taken from every response (not autocannon's summary, which has no p95 and
 * whose fixed-rate correction uses a 1 ms interval): measured from send to last byte.
 */
export async function load(options: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  const counts = { non2xx: 0 };
  const result = await run(options, latencies, counts);
  return summarise(latencies, counts.non2xx, result.duration, result.errors + result.timeouts);
}

/**
 * A steady offered load. autocannon's `overallRate` gives each connection a budget per one-second tick and spends
 * it back to back, and all connections tick together: 500 req/s over 50 connections arrives as a burst of 50
 * concurrent requests at the top of every second. So the load is split into one-connection runs, each with its
 * share of the rate, started 1/connections of a second apart: each connection's short burst falls in its own
 * slot and the arrivals spread evenly over the second. Each connection's burst (rate/connections requests in
 * sequence) is kept far shorter than its second, so a slow answer does not quietly delay the rest (coordinated
 * omission).
 */
export async function steady(options: LoadOptions & { rate: number; seconds: number }): Promise<LoadResult> {
  const latencies: number[] = [];
  const counts = { non2xx: 0 };
  const slot = 1000 / options.connections;
  const started = Date.now();
  const runs = await Promise.all(
    Array.from({ length: options.connections }, async (_, i) => {
      await new Promise((r) => setTimeout(r, i * slot));
      return run({ ...options, connections: 1, rate: Math.max(1, Math.round(options.rate / options.connections)) }, latencies, counts);
    }),
  );
  const seconds = (Date.now() - started) / 1000 - (options.connections - 1) * slot / 1000;
  const errors = runs.reduce((n, r) => n + r.errors + r.timeouts, 0);
  return summarise(latencies, counts.non2xx, seconds, errors);
}

function summarise(latencies: number[], non2xx: number, seconds: number, errors: number): LoadResult {
  return {
    requests: latencies.length + non2xx,
    rps: round(latencies.length / seconds, 1),
    p50_ms: round(percentile(latencies, 50)),
    p95_ms: round(percentile(latencies, 95)),
    p99_ms: round(percentile(latencies, 99)),
    non2xx,
    errors,
  };
}

async function run(options: LoadOptions, latencies: number[], counts: { non2xx: number }): Promise<autocannon.Result> {
  let next = 0;
  const script = options.script;
  const instance = autocannon({
    url: options.url,
    connections: options.connections,
    headers: options.headers,
    // autocannon checks for the end of a run once per sample interval (1 s by default), so a run shorter than a
    // second (the quick run's) needs a shorter interval to end on time; whole seconds keep the default.
    ...(script ? { amount: script.length } : { duration: options.seconds ?? 10, sampleInt: Math.min(1000, (options.seconds ?? 10) * 1000) }),
    ...(options.rate ? { overallRate: options.rate } : {}),
    ...(script
      ? {
          requests: [
            {
              setupRequest: (request: autocannon.Request) => {
                const step = script[next++ % script.length] as { path: string; headers?: Record<string, string> };
                return { ...request, path: step.path, headers: { ...request.headers, ...step.headers } };
              },
            },
          ],
        }
      : {}),
  });
  (instance as unknown as NodeJS.EventEmitter).on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
    if (status >= 200 && status < 300) latencies.push(ms);
    else counts.non2xx += 1;
  });
  return instance;
}
