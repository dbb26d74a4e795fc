import { z } from 'zod';
import type { Logger } from '../logger.js';
import { attempt, parseJson, retryAfterMs } from './http.js';
import { noopMetrics, type UpstreamMetrics } from './metrics.js';
import { parseWith } from './validate.js';

export const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string().refine((t) => t.toLowerCase() === 'bearer', 'expected a bearer token'),
  expires_in: z.number().positive(),
});

export type TokenResult =
  | { kind: 'ok'; token: string }
  | { kind: 'rate_limited'; retryAfterMs: number }
  | { kind: 'unavailable'; reason: string }
  | { kind: 'bad_data'; reason: string };

export interface ClientCredentialsOptions {
  upstream: string;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  timeoutMs: number;
  logger: Logger;
  metrics?: UpstreamMetrics;
}

/** Tokens are renewed this long before they expire, so a request never leaves with a token about to lapse. */
const EARLY_RENEWAL_MS = 60_000;

/**
 * OAuth client-credentials tokens (Battle.net and WarcraftLogs use the same flow), cached per key
 * (a region for Battle.net) until shortly before expiry. Concurrent callers share one token request.
 */
export class ClientCredentials {
  private readonly cached = new Map<string, { token: string; renewAt: number }>();
  private readonly pending = new Map<string, Promise<TokenResult>>();
  private readonly metrics: UpstreamMetrics;

  constructor(private readonly options: ClientCredentialsOptions) {
    this.metrics = options.metrics ?? noopMetrics;
  }

  async get(key = 'default'): Promise<TokenResult> {
    const entry = this.cached.get(key);
    if (entry && Date.now() < entry.renewAt) return { kind: 'ok', token: entry.token };
    const inFlight = this.pending.get(key);
    if (inFlight) return inFlight;
    const request = this.request(key)
      .then((result) => {
        this.metrics.request(`${this.options.upstream}_oauth`, result.kind);
        return result;
      })
      .finally(() => this.pending.delete(key));
    this.pending.set(key, request);
    return request;
  }

  /** Drops a token the upstream refused, unless another caller already replaced it. */
  invalidate(key: string, token: string): void {
    if (this.cached.get(key)?.token === token) this.cached.delete(key);
  }

  private async request(key: string): Promise<TokenResult> {
    const { upstream, tokenUrl, clientId, clientSecret, timeoutMs, logger } = this.options;
    const basic = Buffer.from(`${clientId}:${clientSecret}`).toString('base64');
    const result = await attempt(`${upstream}_oauth`, logger, {
      method: 'POST',
      url: tokenUrl,
      headers: { authorization: `Basic ${basic}` },
      form: { grant_type: 'client_credentials' },
      timeoutMs,
    });
    if (result.kind !== 'response') {
      return { kind: 'unavailable', reason: `token request failed (${result.kind === 'timeout' ? 'timeout' : result.code})` };
    }
    if (result.status === 429) return { kind: 'rate_limited', retryAfterMs: retryAfterMs(result.headers, 1000) };
    if (result.status !== 200) return { kind: 'unavailable', reason: `token request refused (HTTP ${result.status})` };
    const json = parseJson(result.body);
    const parsed = json.ok ? parseWith(tokenResponseSchema, json.value) : { ok: false as const, reason: 'token response is not JSON' };
    if (!parsed.ok) return { kind: 'bad_data', reason: parsed.reason };
    const renewAt = Date.now() + parsed.data.expires_in * 1000 - EARLY_RENEWAL_MS;
    this.cached.set(key, { token: parsed.data.access_token, renewAt });
    return { kind: 'ok', token: parsed.data.access_token };
  }
}
