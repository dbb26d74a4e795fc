import { request } from 'node:http';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { expect } from 'chai';
import { findGuild } from '../../src/sim/index.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { GUILD_ROUTES } from './routes.js';

interface Sent {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One raw HTTP request: any method (fetch refuses TRACE), any headers, any bytes. */
function send(baseUrl: string, method: string, path: string, headers: Record<string, string>, body?: Buffer): Promise<Sent> {
  const url = new URL(path, baseUrl);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, path: url.pathname + url.search, method, headers: body ? { ...headers, 'content-length': String(body.length) } : headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    // The server may answer (401, 413, 415) before reading a large body and close: that is an answer, not an error.
    req.on('error', (err: NodeJS.ErrnoException) => (err.code === 'EPIPE' || err.code === 'ECONNRESET' ? resolve({ status: -1, headers: {}, body: '' }) : reject(err)));
    if (body) req.end(body);
    else req.end();
  });
}

const json = (value: unknown) => Buffer.from(JSON.stringify(value));
const garbage = Buffer.from('this is not a compressed stream at all, just bytes \u0000\u00ff');
const truncated = (compressed: Buffer) => compressed.subarray(0, Math.floor(compressed.length / 2));

/** Bodies no client should send, each with the headers that make it hostile. */
const HOSTILE_BODIES: Array<{ name: string; headers: Record<string, string>; body: Buffer }> = [
  { name: 'deflate that does not inflate', headers: { 'content-type': 'application/json', 'content-encoding': 'deflate' }, body: garbage },
  { name: 'gzip that does not gunzip', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: garbage },
  { name: 'br that does not decode', headers: { 'content-type': 'application/json', 'content-encoding': 'br' }, body: garbage },
  { name: 'truncated gzip', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: truncated(gzipSync(json({ message: 'x'.repeat(5000) }))) },
  { name: 'truncated deflate', headers: { 'content-type': 'application/json', 'content-encoding': 'deflate' }, body: truncated(deflateSync(json({ message: 'hello' }))) },
  { name: 'unsupported encoding', headers: { 'content-type': 'application/json', 'content-encoding': 'compress' }, body: json({ message: 'hi' }) },
  { name: 'stacked encodings', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip, br' }, body: gzipSync(brotliCompressSync(json({ message: 'hi' }))) },
  { name: 'gzip bomb (10 MB of zeros)', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: gzipSync(Buffer.alloc(10 * 1024 * 1024, 0x20)) },
  { name: '1 MB of JSON', headers: { 'content-type': 'application/json' }, body: json({ message: 'x'.repeat(1024 * 1024) }) },
  { name: 'malformed JSON', headers: { 'content-type': 'application/json' }, body: Buffer.from('{"message": "unterminated') },
  { name: 'JSON that is not an object', headers: { 'content-type': 'application/json' }, body: Buffer.from('"just a string"') },
  { name: 'form body', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: Buffer.from('message=hi') },
  { name: 'no body at all', headers: { 'content-type': 'application/json' }, body: Buffer.alloc(0) },
];

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'TRACE', 'PROPFIND', 'OPTIONS'];

/** Every route there is, some spelled in another case (routes match case-insensitively), and a few that are not. */
function everyPath(stack: Stack, guildId: number): string[] {
  const guildPaths = GUILD_ROUTES.map((r) => r.path(stack.sim, guildId));
  return [
    ...new Set([
      ...guildPaths,
      `/GUILDS/${guildId}/Progress/Message`,
      '/health',
      '/ready',
      '/metrics',
      '/openapi.json',
      '/webhooks/guild-api',
      '/WEBHOOKS/Guild-Api',
      '/admin/queues',
      '/admin/queues/api/queues',
      '/no/such/route',
    ]),
  ];
}

describe('hostile bodies, encodings and methods on every route', function () {
  this.timeout(120_000);
  let stack: Stack;
  let guildId: number;
  let gmToken: string;

  before(async () => {
    stack = await startStack({ api: true, worker: false, env: { CHARACTER_WAIT_MS: '50' } });
    const guild = stack.sim.world.guilds[0]!;
    guildId = guild.id;
    gmToken = stack.sim.tokenFor(findGuild(stack.sim.world, guildId)!.members.find((m) => m.rankId === 0)!.bnetId);
  });
  after(async () => {
    await stack?.close();
  });

  it('never answers 5xx, anonymous or signed in as the Guild Master (or the dashboard operator), and refuses with the error body', async () => {
    const credentials: Array<Record<string, string>> = [
      {},
      { authorization: `Bearer ${gmToken}` },
      { authorization: `Basic ${Buffer.from('operator:dashboard-password').toString('base64')}` },
    ];
    const cases: Array<{ label: string; run: () => Promise<Sent> }> = [];
    for (const path of everyPath(stack, guildId)) {
      for (const method of METHODS) {
        for (const auth of credentials) {
          const bodies = method === 'GET' || method === 'OPTIONS' ? HOSTILE_BODIES.slice(0, 2) : HOSTILE_BODIES;
          for (const hostile of bodies) {
            cases.push({
              label: `${method} ${path} (${hostile.name}${auth.authorization ? `, ${auth.authorization.split(' ')[0]}` : ''})`,
              run: () => send(stack.api!.url, method, path, { ...hostile.headers, ...auth }, hostile.body),
            });
          }
        }
      }
    }
    const statuses = new Map<number, number>();
    const problems: string[] = [];
    for (let i = 0; i < cases.length; i += 12) {
      const batch = cases.slice(i, i + 12);
      const replies = await Promise.all(batch.map((c) => c.run()));
      replies.forEach((reply, j) => {
        const label = batch[j]!.label;
        statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1);
        if (reply.status >= 500) problems.push(`${label} → ${reply.status} ${reply.body.slice(0, 200)}`);
        if (reply.status >= 400 && reply.body && String(reply.headers['content-type'] ?? '').includes('json')) {
          const body = JSON.parse(reply.body) as Record<string, unknown>;
          if (typeof body.error !== 'string' || typeof body.code !== 'string') problems.push(`${label} → ${reply.status} without the error body`);
          if (/\bat \/|node_modules|stack/i.test(reply.body)) problems.push(`${label} → a stack trace in the answer`);
        }
        if (reply.status === 405 && !reply.headers.allow) problems.push(`${label} → 405 without Allow`);
      });
    }
    console.log(`      ${cases.length} requests: ${[...statuses].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${n}×${s}`).join(', ')}`);
    expect(problems.slice(0, 20)).to.deep.equal([]);
    expect(statuses.get(405), 'unknown methods are 405').to.be.greaterThan(0);
  });

  it('answers an undecodable body 400 and an unsupported encoding 415 on the route that takes a body', async () => {
    const path = `/guilds/${guildId}/progress/message`;
    const auth = { authorization: `Bearer ${gmToken}` };
    const broken = await send(stack.api!.url, 'PUT', path, { ...HOSTILE_BODIES[0]!.headers, ...auth }, garbage);
    expect([broken.status, JSON.parse(broken.body).code]).to.deep.equal([400, 'malformed_body']);
    const unsupported = await send(stack.api!.url, 'PUT', path, { ...HOSTILE_BODIES[5]!.headers, ...auth }, json({ message: 'hi' }));
    expect([unsupported.status, JSON.parse(unsupported.body).code]).to.deep.equal([415, 'unsupported_content_encoding']);
    const gzipped = await send(stack.api!.url, 'PUT', path, { 'content-type': 'application/json', 'content-encoding': 'gzip', ...auth }, gzipSync(json({ message: 'Sent gzipped' })));
    expect(gzipped.status, gzipped.body).to.equal(200);
    expect(JSON.parse(gzipped.body).gm_message).to.equal('Sent gzipped');
    const trace = await send(stack.api!.url, 'TRACE', '/health', {});
    expect(trace.status).to.equal(405);
  });

  it('counts hostile requests against the rate limit like any other, and never a 5xx', async () => {
    const limited = await startStack({ api: true, worker: false, env: { RATE_LIMIT_PER_MINUTE: '5' } });
    try {
      const path = `/guilds/${limited.sim.world.guilds[0]!.id}/progress/message`;
      const statuses: number[] = [];
      for (let i = 0; i < 8; i += 1) statuses.push((await send(limited.api!.url, 'PUT', path, HOSTILE_BODIES[0]!.headers, garbage)).status);
      for (let i = 0; i < 3; i += 1) statuses.push((await send(limited.api!.url, 'TRACE', path, {})).status);
      statuses.push((await send(limited.api!.url, 'PUT', path.toUpperCase(), HOSTILE_BODIES[2]!.headers, garbage)).status);
      expect(statuses).to.deep.equal([401, 401, 401, 401, 401, 429, 429, 429, 429, 429, 429, 429]);
      // The exemption of signed webhooks matches however the path is spelled, as the route does.
      const webhook = await send(limited.api!.url, 'POST', '/WEBHOOKS/guild-api', { 'content-type': 'application/json' }, json({}));
      expect(webhook.status).to.equal(401);
    } finally {
      await limited.close();
    }
  });
});
