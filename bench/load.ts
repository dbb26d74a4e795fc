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
 * whose fixed-rate correction uses a 1 ms interval): measured from send to last byte. At a fixed rate we spread
 * the load over enough connections that each one's interval is far longer than a response, so a slow answer
 * does not silently postpone the next request (coordinated omission).
 */
export async function load(options: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  let non2xx = 0;
  let next = 0;
  const script = options.script;
  const instance = autocannon({
    url: options.url,
    connections: options.connections,
    headers: options.headers,
    ...(script ? { amount: script.length } : { duration: options.seconds ?? 10 }),
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
    else non2xx += 1;
  });
  const result = await instance;
  const requests = latencies.length + non2xx;
  return {
    requests,
    rps: round(latencies.length / result.duration, 1),
    p50_ms: round(percentile(latencies, 50)),
    p95_ms: round(percentile(latencies, 95)),
    p99_ms: round(percentile(latencies, 99)),
    non2xx,
    errors: result.errors + result.timeouts,
  };
}
