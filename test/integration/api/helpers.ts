import { expect } from 'chai';
import { DEFAULT_SEASON_PLAN } from '../../../src/domain/season-plan.js';
import { weekAt } from '../../../src/domain/season.js';
import type { RegionCode } from '../../../src/domain/types.js';

export interface Reply<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
  ms: number;
}

/** One HTTP call with its duration; the body is parsed as JSON when it is JSON. */
export async function call<T = any>(url: string, init: RequestInit = {}): Promise<Reply<T>> {
  const started = performance.now();
  const res = await fetch(url, { signal: AbortSignal.timeout(15000), ...init });
  const text = await res.text();
  let body: unknown = text;
  if ((res.headers.get('content-type') ?? '').includes('json')) body = JSON.parse(text);
  return { status: res.status, headers: res.headers, body: body as T, text, ms: performance.now() - started };
}

export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

/** Asserts the documented error body: `{error, code}` with an optional `details`. */
export function expectError(reply: Reply, status: number, code: string, error?: string): void {
  expect(reply.status, `${reply.status} ${reply.text.slice(0, 300)}`).to.equal(status);
  expect(reply.body).to.be.an('object');
  expect(reply.body.code).to.equal(code);
  expect(reply.body.error).to.be.a('string').and.not.equal('');
  if (error !== undefined) expect(reply.body.error).to.equal(error);
  expect(Object.keys(reply.body).every((k) => ['error', 'code', 'details'].includes(k))).to.equal(true);
}

/** The sum of a Prometheus metric's samples whose labels include the given ones (0 when absent). */
export function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (!Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) continue;
    total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

/** The value of one metric of a running api (0 when absent). */
export async function metric(apiUrl: string, name: string, labels: Record<string, string> = {}): Promise<number> {
  return sample(await (await fetch(`${apiUrl}/metrics`)).text(), name, labels);
}

/** This week's target in a region under the default plan, as the tests' database holds it. */
export const targetToday = (region: RegionCode = 'us') => weekAt(DEFAULT_SEASON_PLAN, new Date(), region);

export { sleep } from '../../helpers/wait.js';

let guildSerial = 0;

/**
 * A guild of its own for tests that change things (rows, ranks, memberships), on a realm no other test uses,
 * so files sharing the run's database never see each other's characters.
 */
export function isolatedGuild(members: number, region: RegionCode = 'us') {
  guildSerial += 1;
  const id = 700_000 + (process.pid % 1000) * 100 + guildSerial;
  return { id, name: `Test Guild ${id}`, realm: `test-realm-${id}`, region, members };
}
