import type { Logger } from '../logger.js';
import { attempt, sleep, type Attempt, type AttemptRequest } from './http.js';
import type { UpstreamMetrics } from './metrics.js';
import type { ClientCredentials } from './oauth.js';
import { rateLimited, unavailable, type FailedOutcome } from './outcome.js';

export interface AuthorizedRequest {
  upstream: string;
  /** How the upstream is named in reasons readers may see ("Battle.net"). */
  label: string;
  logger: Logger;
  metrics: UpstreamMetrics;
  tokens: ClientCredentials;
  /** The token's cache key: a region for Battle.net. */
  tokenKey?: string;
  /** Pauses before each retry of a network error or 5xx; its length is the number of retries. */
  retryDelaysMs: readonly number[];
  /** Asked before every attempt, retries included (a quota gate); a reason means the request may not go out. */
  admit?: () => Promise<string | undefined>;
  /** The request, given the bearer token it is to carry. */
  build: (token: string) => AttemptRequest;
}

/** Either the last attempt, for the client to interpret, or a failure decided before anything was sent. */
export type Sent = { kind: 'sent'; result: Attempt } | { kind: 'refused'; outcome: FailedOutcome };

/**
 * The one retry loop of every upstream that authenticates with client credentials: a 401 fetches a new token
 * once (tokens can be revoked before their stated expiry), network errors and 5xx are retried after short
 * pauses, and a timeout is not retried, so a call never exceeds one timeout. Each attempt passes `admit` again.
 */
export async function sendAuthorized(request: AuthorizedRequest): Promise<Sent> {
  const { upstream, label, metrics, tokens, tokenKey = 'default', retryDelaysMs } = request;
  let retries = 0;
  let hasRefreshedToken = false;
  for (;;) {
    const token = await tokens.get(tokenKey);
    if (token.kind === 'rate_limited') return { kind: 'refused', outcome: rateLimited(token.retryAfterMs) };
    if (token.kind !== 'ok') return { kind: 'refused', outcome: unavailable(`${label} token: ${token.reason}`) };

    const refusal = request.admit ? await request.admit() : undefined;
    if (refusal !== undefined) return { kind: 'refused', outcome: unavailable(refusal) };

    const result = await attempt(upstream, request.logger, request.build(token.token));
    if (result.kind === 'response' && result.status === 401 && !hasRefreshedToken) {
      metrics.request(upstream, 'unauthorized');
      tokens.invalidate(tokenKey, token.token);
      hasRefreshedToken = true;
      continue;
    }
    if (isRetryable(result) && retries < retryDelaysMs.length) {
      metrics.request(upstream, 'unavailable');
      await sleep(retryDelaysMs[retries] ?? 0);
      retries += 1;
      continue;
    }
    return { kind: 'sent', result };
  }
}

function isRetryable(result: Attempt): boolean {
  return result.kind === 'network' || (result.kind === 'response' && result.status >= 500);
}
