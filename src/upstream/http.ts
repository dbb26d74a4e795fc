import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Logger } from '../logger.js';

/**
 * One HTTP attempt, reduced to what the clients decide on. Retries, tokens and quotas live in the
 * clients: each retry must pass the quota again, which an HTTP library's built-in retry cannot do.
 */
export type Attempt =
  | { kind: 'response'; status: number; headers: Record<string, string | string[] | undefined>; body: string }
  | { kind: 'timeout' }
  | { kind: 'network'; code: string };

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD';

export interface AttemptRequest {
  method: Method;
  url: string;
  headers?: Record<string, string>;
  searchParams?: Record<string, string>;
  form?: Record<string, string>;
  json?: unknown;
  timeoutMs: number;
}

/*
 * Node's own http rather than got: the clients use none of got's features (retries, redirects, hooks, caching
 * are off or done above), and got's per-request option handling and stream layers cost ~0.3-0.45 ms of CPU per
 * request more than this, a large share of a refresh's two Battle.net calls (docs/benchmarks.md). Sockets are
 * kept alive between requests, as got did with Node's global agent.
 */
const agents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };

/** Names a failure to send or receive like the socket error it was, so the clients can report it. */
const failure = (code: string, message: string) => Object.assign(new Error(message), { code });

/**
 * Sends one request and logs it. Only method, path, status and duration are logged: query strings,
 * headers and bodies can carry credentials, so they never reach a log line.
 */
export async function attempt(upstream: string, logger: Logger, request: AttemptRequest): Promise<Attempt> {
  const started = performance.now();
  let url: URL | undefined;
  try {
    url = new URL(request.url);
  } catch {
    // Left undefined: send() reports it as a network failure, as for any other request that cannot go out.
  }
  const base = { upstream, method: request.method, path: url?.pathname ?? '(invalid url)' };
  try {
    const response = await send(url, request);
    const durationMs = Math.round(performance.now() - started);
    if (response.status >= 500 || response.status === 429) {
      logger.warn({ ...base, status: response.status, durationMs }, 'upstream request');
    } else if (logger.isLevelEnabled('debug')) {
      logger.debug({ ...base, status: response.status, durationMs }, 'upstream request');
    }
    return { kind: 'response', ...response };
  } catch (error) {
    const durationMs = Math.round(performance.now() - started);
    const code = typeof (error as { code?: unknown }).code === 'string' ? (error as { code: string }).code : 'EUNKNOWN';
    logger.warn({ ...base, error: code, durationMs }, 'upstream request failed');
    return code === 'ETIMEDOUT' ? { kind: 'timeout' } : { kind: 'network', code };
  }
}

type Received = { status: number; headers: IncomingHttpHeaders; body: string };

/** The whole exchange, body included, within `timeoutMs`; redirects are answers like any other (never followed). */
function send(url: URL | undefined, request: AttemptRequest): Promise<Received> {
  return new Promise((resolve, reject) => {
    if (!url) return reject(failure('ERR_INVALID_URL', 'invalid url'));
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return reject(failure('ERR_UNSUPPORTED_PROTOCOL', `unsupported protocol ${url.protocol}`));
    for (const [name, value] of Object.entries(request.searchParams ?? {})) url.searchParams.append(name, value);
    const headers: OutgoingHttpHeaders = { 'user-agent': 'progress-api', ...request.headers };
    let body: string | undefined;
    if (request.form !== undefined) {
      body = new URLSearchParams(request.form).toString();
      headers['content-type'] ??= 'application/x-www-form-urlencoded';
    } else if (request.json !== undefined) {
      body = JSON.stringify(request.json);
      headers['content-type'] ??= 'application/json';
    }
    if (body !== undefined) headers['content-length'] = Buffer.byteLength(body);

    let req: ClientRequest | undefined;
    const timer = setTimeout(() => {
      const error = failure('ETIMEDOUT', `no complete answer within ${request.timeoutMs} ms`);
      settle(error);
      req?.destroy(error);
    }, request.timeoutMs);
    let settled = false;
    const settle = (error: Error | undefined, received?: Received) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) reject(error);
      else resolve(received as Received);
    };
    const isHttps = url.protocol === 'https:';
    req = (isHttps ? httpsRequest : httpRequest)(url, { method: request.method, headers, agent: isHttps ? agents.https : agents.http }, (res) => {
      res.setEncoding('utf8');
      let text = '';
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('end', () => settle(undefined, { status: res.statusCode ?? 0, headers: res.headers, body: text }));
      res.on('error', (error) => settle(error));
      // A connection closed before the whole body arrived ('close' also follows every complete response, so
      // the error, and its stack trace, is only made when nothing settled first).
      res.on('close', () => {
        if (!settled) settle(failure('ECONNRESET', 'response closed before its end'));
      });
    });
    req.on('error', (error) => settle(error));
    req.end(body);
  });
}

/** A header's single value (Node gives arrays for repeated headers). */
export function headerValue(headers: Record<string, string | string[] | undefined>, name: string): string | null {
  const value = headers[name.toLowerCase()];
  if (Array.isArray(value)) return value[0] ?? null;
  return value ?? null;
}

/** Retry-After in milliseconds: delta-seconds or an HTTP date; the fallback when absent or unreadable. */
export function retryAfterMs(headers: Record<string, string | string[] | undefined>, fallbackMs: number): number {
  const value = headerValue(headers, 'retry-after');
  if (value === null || value.trim() === '') return fallbackMs;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.max(0, Math.round(Number(value) * 1000));
  const date = Date.parse(value);
  return Number.isNaN(date) ? fallbackMs : Math.max(0, date - Date.now());
}

export type JsonResult = { ok: true; value: unknown } | { ok: false };

export function parseJson(body: string): JsonResult {
  try {
    return { ok: true, value: JSON.parse(body) as unknown };
  } catch {
    return { ok: false };
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
