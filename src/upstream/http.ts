import { got, RequestError, type Got, type Method } from 'got';
import type { Logger } from '../logger.js';

/**
 * One HTTP attempt, reduced to what the clients decide on. Retries, tokens and quotas live in the
 * clients: each retry must pass the quota again, which got's built-in retry cannot do.
 */
export type Attempt =
  | { kind: 'response'; status: number; headers: Record<string, string | string[] | undefined>; body: string }
  | { kind: 'timeout' }
  | { kind: 'network'; code: string };

export interface AttemptRequest {
  method: Method;
  url: string;
  headers?: Record<string, string>;
  searchParams?: Record<string, string>;
  form?: Record<string, string>;
  json?: unknown;
  timeoutMs: number;
}

export const http: Got = got.extend({
  retry: { limit: 0 },
  throwHttpErrors: false,
  followRedirect: false,
  responseType: 'text',
  headers: { 'user-agent': 'progress-api' },
});

/**
 * Sends one request and logs it. Only method, path, status and duration are logged: query strings,
 * headers and bodies can carry credentials, so they never reach a log line.
 */
export async function attempt(upstream: string, logger: Logger, request: AttemptRequest): Promise<Attempt> {
  const started = performance.now();
  const path = pathOf(request.url);
  const base = { upstream, method: request.method, path };
  try {
    const response = await http(request.url, {
      method: request.method,
      headers: request.headers,
      searchParams: request.searchParams,
      form: request.form,
      json: request.json,
      timeout: { request: request.timeoutMs },
    });
    const durationMs = Math.round(performance.now() - started);
    const level = response.statusCode >= 500 || response.statusCode === 429 ? 'warn' : 'debug';
    logger[level]({ ...base, status: response.statusCode, durationMs }, 'upstream request');
    return { kind: 'response', status: response.statusCode, headers: response.headers, body: response.body };
  } catch (error) {
    const durationMs = Math.round(performance.now() - started);
    const code = error instanceof RequestError ? error.code : 'EUNKNOWN';
    logger.warn({ ...base, error: code, durationMs }, 'upstream request failed');
    return code === 'ETIMEDOUT' ? { kind: 'timeout' } : { kind: 'network', code };
  }
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return '(invalid url)';
  }
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
