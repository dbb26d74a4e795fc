import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { got, type Method } from 'got';
import { forbiddenAddressReason, isLoopbackAddress } from './addresses.js';

/**
 * The one way progress-api calls a URL someone else chose (a guild's event endpoints, its Discord webhook):
 * https only; the host resolved and refused when any of its addresses is loopback, private, link-local,
 * unspecified or a metadata endpoint; that check made again by the connection's own DNS lookup, so a name
 * that resolves elsewhere the second time (DNS rebinding) cannot get through; redirects never followed; short
 * timeouts; the response read up to a small cap and dropped past it.
 */
export interface OutboundPolicy {
  /**
   * Tests only (refused in production by the configuration): plain http and loopback addresses are allowed,
   * so a receiver on this machine can stand in for Discord or an endpoint. Private and metadata addresses
   * stay refused.
   */
  allowLoopbackForTests: boolean;
  /** Every address of a host name; dns.lookup by default. */
  resolve?: (hostname: string) => Promise<LookupAddress[]>;
  /** The whole exchange, connection included (default 5 s). */
  timeoutMs?: number;
  /** Bytes of response body read at most (default 64 KiB); more fails the attempt. */
  maxResponseBytes?: number;
}

export const OUTBOUND_TIMEOUT_MS = 5000;
export const OUTBOUND_MAX_RESPONSE_BYTES = 64 * 1024;

export type OutboundRefusal = 'invalid_url' | 'not_https' | 'credentials_in_url' | 'forbidden_address' | 'unresolvable';

/** A destination refused before anything was sent to it. */
export class OutboundRefused extends Error {
  constructor(
    readonly reason: OutboundRefusal,
    message: string,
  ) {
    super(message);
    this.name = 'OutboundRefused';
  }
}

export type OutboundResult =
  | { kind: 'response'; status: number; body: string; headers: Record<string, string | string[] | undefined> }
  | { kind: 'refused'; reason: OutboundRefusal; message: string }
  | { kind: 'timeout' }
  | { kind: 'too_large' }
  | { kind: 'network'; code: string };

export interface OutboundRequest {
  url: string;
  method?: Method;
  headers?: Record<string, string>;
  body: string | Buffer;
}

const systemResolve = (hostname: string): Promise<LookupAddress[]> =>
  new Promise((resolve, reject) => {
    dnsLookup(hostname, { all: true, verbatim: true }, (err, addresses) => (err ? reject(err) : resolve(addresses)));
  });

const bare = (hostname: string) => hostname.replace(/^\[|\]$/g, '');

/** Why an address may not be reached under the policy, as words for the caller; undefined when it may. */
function refusalOf(address: string, policy: OutboundPolicy): string | undefined {
  if (policy.allowLoopbackForTests && isLoopbackAddress(address)) return undefined;
  const reason = forbiddenAddressReason(address);
  return reason && `${reason} address`;
}

/** The URL's form alone: an absolute https URL without credentials, whose host is not a forbidden IP literal. */
export function checkOutboundUrl(raw: string, policy: OutboundPolicy): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new OutboundRefused('invalid_url', 'is not an absolute URL');
  }
  const host = bare(url.hostname);
  const isLocal = host === 'localhost' || (isIP(host) !== 0 && isLoopbackAddress(host));
  const isHttpAllowed = policy.allowLoopbackForTests && url.protocol === 'http:' && isLocal;
  if (url.protocol !== 'https:' && !isHttpAllowed) throw new OutboundRefused('not_https', 'must be an https URL');
  if (url.username !== '' || url.password !== '') throw new OutboundRefused('credentials_in_url', 'must not carry credentials');
  if (host === '') throw new OutboundRefused('invalid_url', 'has no host');
  if (isIP(host) !== 0) {
    const refusal = refusalOf(host, policy);
    if (refusal) throw new OutboundRefused('forbidden_address', `points at a ${refusal}`);
  }
  return url;
}

/** Every address the host resolves to, each checked; refused when any one is forbidden or none is found. */
async function checkedAddresses(hostname: string, policy: OutboundPolicy): Promise<LookupAddress[]> {
  const host = bare(hostname);
  if (isIP(host) !== 0) {
    const refusal = refusalOf(host, policy);
    if (refusal) throw new OutboundRefused('forbidden_address', `points at a ${refusal}`);
    return [{ address: host, family: isIP(host) }];
  }
  let addresses: LookupAddress[];
  try {
    addresses = await (policy.resolve ?? systemResolve)(host);
  } catch {
    throw new OutboundRefused('unresolvable', 'has a host name that does not resolve');
  }
  if (addresses.length === 0) throw new OutboundRefused('unresolvable', 'has a host name that does not resolve');
  for (const { address } of addresses) {
    const refusal = refusalOf(address, policy);
    // Any forbidden address refuses the name: a connection may pick any of them.
    if (refusal) throw new OutboundRefused('forbidden_address', `has a host name that resolves to a ${refusal}`);
  }
  return addresses;
}

/** The URL's form and every address its host resolves to now: what is checked when an officer saves a URL. */
export async function checkOutboundDestination(raw: string, policy: OutboundPolicy): Promise<URL> {
  const url = checkOutboundUrl(raw, policy);
  await checkedAddresses(url.hostname, policy);
  return url;
}

/**
 * The DNS lookup of every outbound connection: resolves the name again at connect time and checks what it
 * got, so the address connected to is always one that was checked.
 */
export function guardedLookup(policy: OutboundPolicy): LookupFunction {
  return ((hostname: string, options: { all?: boolean } | number | undefined, callback?: (...args: unknown[]) => void) => {
    const done = (typeof options === 'function' ? options : callback) as (...args: unknown[]) => void;
    const all = typeof options === 'object' && options !== null && options.all === true;
    checkedAddresses(hostname, policy).then(
      (addresses) => {
        if (all) done(null, addresses);
        else done(null, addresses[0]?.address, addresses[0]?.family);
      },
      (err: Error) => done(Object.assign(err, { code: err instanceof OutboundRefused ? 'EOUTBOUNDREFUSED' : 'ENOTFOUND' })),
    );
  }) as LookupFunction;
}

// No keep-alive: a pooled socket would skip the lookup of the next request.
const agents = { http: new HttpAgent({ keepAlive: false }), https: new HttpsAgent({ keepAlive: false }) };

/**
 * Sends one request to a URL someone else chose and reads at most `maxResponseBytes` of the answer. Never
 * throws: a refused destination, a timeout, an oversized answer and a network failure are results.
 */
export async function sendOutbound(policy: OutboundPolicy, request: OutboundRequest): Promise<OutboundResult> {
  let url: URL;
  try {
    url = checkOutboundUrl(request.url, policy);
  } catch (err) {
    const refused = err as OutboundRefused;
    return { kind: 'refused', reason: refused.reason, message: refused.message };
  }
  const maxBytes = policy.maxResponseBytes ?? OUTBOUND_MAX_RESPONSE_BYTES;
  const timeoutMs = policy.timeoutMs ?? OUTBOUND_TIMEOUT_MS;
  return new Promise<OutboundResult>((resolve) => {
    let settled = false;
    const finish = (result: OutboundResult) => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    const stream = got.stream(url, {
      method: request.method ?? 'POST',
      headers: { 'user-agent': 'progress-api', ...request.headers },
      body: request.body,
      agent: agents,
      dnsLookup: guardedLookup(policy),
      followRedirect: false,
      throwHttpErrors: false,
      retry: { limit: 0 },
      timeout: { request: timeoutMs },
    });
    const chunks: Buffer[] = [];
    let size = 0;
    let status = 0;
    let headers: Record<string, string | string[] | undefined> = {};
    stream.on('response', (response: { statusCode: number; headers: Record<string, string | string[] | undefined> }) => {
      status = response.statusCode;
      headers = response.headers;
    });
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        stream.destroy();
        finish({ kind: 'too_large' });
        return;
      }
      chunks.push(chunk);
    });
    stream.on('end', () => finish({ kind: 'response', status, headers, body: Buffer.concat(chunks).toString('utf8') }));
    stream.on('error', (err: Error & { code?: string }) => {
      const cause = (err as { cause?: Error }).cause;
      if (cause instanceof OutboundRefused) {
        finish({ kind: 'refused', reason: cause.reason, message: cause.message });
      } else if (err instanceof OutboundRefused) {
        finish({ kind: 'refused', reason: err.reason, message: err.message });
      } else if (err.code === 'ETIMEDOUT') {
        finish({ kind: 'timeout' });
      } else {
        finish({ kind: 'network', code: err.code ?? 'EUNKNOWN' });
      }
    });
  });
}

/** A result in a few words for a delivery log: never the response body, which is the receiver's text. */
export function describeOutcome(result: OutboundResult): string {
  switch (result.kind) {
    case 'response':
      return result.status >= 300 && result.status < 400 ? `HTTP ${result.status} (redirects are not followed)` : `HTTP ${result.status}`;
    case 'refused':
      return `refused: the URL ${result.message}`;
    case 'timeout':
      return `no answer within ${OUTBOUND_TIMEOUT_MS / 1000} s`;
    case 'too_large':
      return 'answer larger than the response cap';
    case 'network':
      return `network error ${result.code}`;
  }
}

export const isSuccess = (result: OutboundResult): boolean => result.kind === 'response' && result.status >= 200 && result.status < 300;

/** A result as a metric label: delivered, refused (never sent) or failed. */
export const outcomeOf = (result: OutboundResult): 'delivered' | 'refused' | 'failed' =>
  isSuccess(result) ? 'delivered' : result.kind === 'refused' ? 'refused' : 'failed';
