import { Agent, request } from 'node:http';
import { expect } from 'chai';
import fc from 'fast-check';
import { startStack, type Stack } from '../helpers/stack.js';
import { TEST_WEBHOOK_SECRET } from '../helpers/test-env.js';
import { sql as query } from '../helpers/sql.js';
import { fingerprint, TABLES, type DbFingerprint } from './db-state.js';
import { accessToken, forgeries, refreshToken } from './jwt-forge.js';
import { signature, unixNow } from './webhook-sign.js';

/**
 * Property: whatever a client sends (path, query, headers, body, method), the api answers without a 5xx, every
 * error has the documented body `{error, code}` (+ details), and the only stored changes are the ones valid writes made.
 * FUZZ_RUNS raises the number of batches (10 requests each) for a longer run.
 */
const BATCH = 10;
const RUNS = Number(process.env.FUZZ_RUNS ?? 200);

interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

interface FuzzReply {
  status: number;
  contentType: string;
  text: string;
}

const USERS = { guildMaster: 1001, officer: 1002, member: 1003, outsider: 1004 } as const;

// ---- path pieces -------------------------------------------------------------------------------------------
const hostileText = fc.oneof(
  fc.string({ unit: 'grapheme-ascii', maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.constantFrom('', ' ', '..', '.', '%', '%zz', '%c0%af', '%00', '%2e%2e', '%2F', '\u0000', 'null', 'undefined', '[object Object]', '__proto__', 'constructor', "' or 1=1 --", '<script>', '${7*7}', '{{7*7}}'),
  fc.string({ unit: 'grapheme-ascii', minLength: 300, maxLength: 3000 }),
);
const guildId = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('1', '2', '3') },
  { weight: 3, arbitrary: fc.constantFrom('0', '-1', '01', '1.0', '1e3', '+1', ' 1', '0x1', '2147483647', '2147483648', '99999999999999999999', 'NaN', 'Infinity') },
  { weight: 1, arbitrary: fc.integer().map(String) },
  { weight: 2, arbitrary: hostileText },
);
const characterName = fc.oneof(
  fc.constantFrom('Gallyboss', 'gallyboss', 'GALLYBOSS', 'Zúljín', 'Zu%CC%81ljin', 'Thrall', 'Nobodyhome', 'Sprocketta'),
  fc.stringMatching(/^[A-Za-z]{1,30}$/),
  hostileText,
);
const realm = fc.oneof(fc.constantFrom('bleeding-hollow', 'area-52', 'kilrogg', 'argent-dawn', 'Area 52', 'area--52', '-area', 'AREA-52'), hostileText);

/** Percent-encodes one character; a lone surrogate becomes U+FFFD as a browser would send it. */
const escapeChar = (c: string) => {
  try {
    return encodeURIComponent(c);
  } catch {
    return '%EF%BF%BD';
  }
};
/** Leaves printable ASCII as it is (the URL allows it on the wire) and escapes the rest. */
const rawish = (text: string, alsoEscape: string) => text.replace(new RegExp(`[^\\x21-\\x7e]|[${alsoEscape}]`, 'gu'), escapeChar);

/** Encodes a piece the way a client might: properly, or only as much as the wire format forces. */
const encoded = (piece: fc.Arbitrary<string>) =>
  fc.tuple(piece, fc.constantFrom('encode', 'raw', 'raw')).map(([text, how]) =>
    how === 'encode' ? text.replace(/[\s\S]/gu, escapeChar) : rawish(text, '?#'),
  );

const pathOf = fc.oneof(
  { weight: 12, arbitrary: fc.tuple(encoded(guildId), fc.constantFrom(
    'characters', 'members', 'message', 'message/history', 'roadmap', 'comparisons',
    'integrations/events/endpoints', 'integrations/events/endpoints/1/deliveries', 'integrations/discord', 'integrations/discord/test',
  )).map(([g, tail]) => `/guilds/${g}/progress/${tail}`) },
  { weight: 6, arbitrary: fc.tuple(encoded(guildId), encoded(characterName)).map(([g, n]) => `/guilds/${g}/progress/character/${n}`) },
  { weight: 2, arbitrary: fc.tuple(encoded(guildId), encoded(hostileText)).map(([g, tail]) => `/guilds/${g}/progress/${tail}`) },
  { weight: 2, arbitrary: fc.constantFrom('/webhooks/guild-api', '/webhooks/guild-api/', '/WEBHOOKS/guild-api') },
  { weight: 1, arbitrary: fc.constantFrom('/health', '/ready', '/metrics', '/openapi.json', '/admin/queues', '/admin/queues/api/queues', '/admin/queues/api/queues/character-refresh/jobs', '/admin/queues/../../etc/passwd', '/admin/queues/api/redis/stats') },
  { weight: 1, arbitrary: fc.tuple(encoded(hostileText), encoded(hostileText)).map(([a, b]) => `/${a}/${b}`) },
  { weight: 1, arbitrary: fc.constantFrom('//guilds/1/progress/roadmap', '/guilds/1/progress/roadmap/', '/guilds/1//progress/roadmap', '/guilds/1/progress/./roadmap', '/guilds/1/progress/../progress/roadmap', '/GUILDS/1/PROGRESS/ROADMAP') },
);

// ---- query ---------------------------------------------------------------------------------------------------
const queryKey = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom('realm', 'sort', 'order', 'class', 'role', 'status', 'limit', 'offset', 'format', 'summary', 'guild_name', 'region') },
  { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'realm[]', 'limit[0]', 'sort[$ne]', '') },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 12 }) },
);
const queryValue = fc.oneof(
  fc.constantFrom('bleeding-hollow', 'ilvl', 'name', 'class', 'gap', 'rank', 'asc', 'desc', 'Warrior', 'death-knight', 'Death Knight', 'tank', 'HEALER', 'dps', 'behind', 'on_track', 'ahead', 'unknown', 'csv', 'json', 'true', 'false', 'us', 'eu', 'cn', 'Gallywix Dive Team'),
  fc.constantFrom('0', '-1', '1000', '1001', '1e3', '99999999999', '1.5', ' 5', 'NaN', ''),
  fc.integer().map(String),
  hostileText,
);
const queryString = fc
  .array(fc.tuple(queryKey, queryValue, fc.boolean()), { maxLength: 6 })
  .map((pairs) => pairs.map(([k, v, rawValue]) => `${rawish(k, '&#=')}=${rawValue ? rawish(v, '&#') : v.replace(/[\s\S]/gu, escapeChar)}`).join('&'));

// ---- credentials and headers -------------------------------------------------------------------------------
const credential = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...Object.values(USERS)).map((id) => ({ authorization: `Bearer ${accessToken(id)}` })) },
  { weight: 2, arbitrary: fc.constantFrom(...Object.values(USERS)).map((id) => ({ cookie: `access_token=${accessToken(id)}` })) },
  { weight: 2, arbitrary: fc.constantFrom(...forgeries(USERS.guildMaster).filter((f) => f.token.length < 4096)).map((f) => ({ authorization: `Bearer ${f.token}` })) },
  { weight: 1, arbitrary: fc.constant({ authorization: `Bearer ${refreshToken(USERS.guildMaster)}` }) },
  { weight: 1, arbitrary: fc.constantFrom({ authorization: `Basic ${Buffer.from('operator:dashboard-password').toString('base64')}` }, { authorization: `Basic ${Buffer.from('operator:wrong').toString('base64')}` }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 200 }).map((v) => ({ authorization: v })) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 200 }).map((v) => ({ cookie: v })) },
  { weight: 2, arbitrary: fc.constant({}) },
);
const extraHeaders = fc.record(
  {
    'content-type': fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=latin1', '', 'application/merge-patch+json'),
    'x-request-id': fc.string({ unit: 'grapheme-ascii', maxLength: 200 }),
    origin: fc.constantFrom('http://localhost:3000', 'https://evil.example', 'null'),
    'x-forwarded-for': fc.constantFrom('1.2.3.4', 'not-an-ip', '::1, 10.0.0.1', ''),
    'x-forwarded-proto': fc.constantFrom('http', 'https', 'gopher'),
    'accept-encoding': fc.constantFrom('gzip', 'br', 'identity', '*'),
    'x-webhook-timestamp': fc.oneof(fc.constant(String(unixNow())), fc.string({ unit: 'grapheme-ascii', maxLength: 20 })),
    'x-webhook-signature': fc.string({ unit: 'grapheme-ascii', maxLength: 80 }),
  },
  { requiredKeys: [] },
);

// ---- bodies --------------------------------------------------------------------------------------------------
/** Any code point, control characters and NUL included (JSON can carry them; PostgreSQL text cannot hold NUL). */
const anyText = (maxLength: number) => fc.oneof(fc.string({ unit: 'binary', maxLength }), fc.string({ unit: 'grapheme', maxLength }), fc.constantFrom('a\u0000b', '\u0000', 'x\u0007y'));
const webhookEvent = fc.record({
  id: fc.oneof(fc.uuid(), fc.string({ maxLength: 300 }), anyText(20)),
  type: fc.constantFrom('member.joined', 'member.left', 'member.rank_changed', 'guild.roster_changed', 'user.characters_changed', 'guild.deleted', ''),
  guild_id: fc.oneof(fc.constantFrom(1, 2, 3), fc.integer(), fc.string({ maxLength: 5 }) as fc.Arbitrary<unknown>),
  occurred_at: fc.oneof(fc.constant(new Date().toISOString()), fc.string({ maxLength: 30 })),
  data: fc.oneof(
    fc.record({ character_name: anyText(30), bnet_id: fc.integer(), rank_id: fc.integer({ min: -2, max: 12 }), rank_name: fc.string({ maxLength: 20 }) }, { requiredKeys: [] }),
    fc.jsonValue({ maxDepth: 2 }),
  ),
});
const body = fc.oneof(
  { weight: 3, arbitrary: fc.constant(undefined) },
  { weight: 4, arbitrary: fc.oneof(anyText(40), fc.constantFrom('', '   ', '\u0000', '\u202Eevil', 'x'.repeat(2001), 'ok'), fc.integer() as fc.Arbitrary<unknown>, fc.constant(null)).map((message) => JSON.stringify({ message })) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 100 }) },
  { weight: 1, arbitrary: fc.constantFrom('{"message": "a"', '{"__proto__": {"admin": true}, "message": "x"}', '[]', 'null', '{"message": "x", "message": "y"}', `{"message": "${'x'.repeat(20 * 1024)}"}`) },
  { weight: 1, arbitrary: webhookEvent.map((e) => JSON.stringify(e)) },
);

const wellFormedEvent = fc
  .record({
    id: fc.oneof({ weight: 4, arbitrary: fc.uuid() }, { weight: 1, arbitrary: anyText(20).filter((t) => t.length > 0) }),
    guild_id: fc.oneof(fc.constantFrom(1, 2, 3, 2_147_483_647, 2_147_483_648), fc.integer({ min: 1, max: 2_000_000_000 }), fc.maxSafeNat()),
    character_name: fc.oneof(fc.constantFrom('Gallyboss', 'Zúljín', 'Thrall'), anyText(64).filter((t) => t.length > 0)),
    bnet_id: fc.oneof(fc.constantFrom(1001, 1002, 1003, 1004), fc.nat()),
    rank_id: fc.nat({ max: 10 }),
    rank_name: anyText(20),
    type: fc.constantFrom('member.joined', 'member.left', 'member.rank_changed', 'guild.roster_changed', 'user.characters_changed'),
  })
  .map(({ id, guild_id, type, character_name, bnet_id, rank_id, rank_name }) => {
    const data =
      type === 'guild.roster_changed'
        ? {}
        : type === 'user.characters_changed'
          ? { bnet_id }
          : type === 'member.left'
            ? { character_name, bnet_id }
            : { character_name, bnet_id, rank_id, rank_name, old_rank_id: rank_id + 1 };
    return { id, type, guild_id, occurred_at: new Date().toISOString(), data };
  });

/** Signed deliveries from guild-api, mostly well-formed, so the accepted path and its writes are fuzzed too. */
const webhookDelivery: fc.Arbitrary<FuzzRequest> = fc
  .record({ event: fc.oneof({ weight: 3, arbitrary: wellFormedEvent }, { weight: 1, arbitrary: webhookEvent }), signed: fc.boolean(), extra: extraHeaders })
  .map(({ event, signed, extra }) => {
    const text = JSON.stringify(event);
    const timestamp = String(unixNow());
    const headers: Record<string, string> = { ...extra, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) };
    if (signed) Object.assign(headers, { 'x-webhook-timestamp': timestamp, 'x-webhook-signature': signature(timestamp, text, TEST_WEBHOOK_SECRET) });
    return { method: 'POST', path: '/webhooks/guild-api', headers, body: text };
  });

/** Message writes by every rank, so the one write the api owns happens often enough to be accounted for. */
const messageWrite: fc.Arbitrary<FuzzRequest> = fc
  .record({ guild: fc.constantFrom('1', '2'), user: fc.constantFrom(...Object.values(USERS)), body, extra: extraHeaders, json: fc.boolean() })
  .map(({ guild, user, body: b, extra, json }) => {
    const text = b ?? JSON.stringify({ message: 'Focus on DPS!' });
    const headers: Record<string, string> = { ...extra, authorization: `Bearer ${accessToken(user)}`, 'content-length': String(Buffer.byteLength(text)) };
    if (json) headers['content-type'] = 'application/json';
    else if (headers['content-type'] === '') delete headers['content-type'];
    return { method: 'PUT', path: `/guilds/${guild}/progress/message`, headers, body: text };
  });

const anyRequest: fc.Arbitrary<FuzzRequest> = fc
  .record({
    method: fc.oneof({ weight: 10, arbitrary: fc.constantFrom('GET', 'PUT', 'POST') }, { weight: 2, arbitrary: fc.constantFrom('DELETE', 'PATCH', 'OPTIONS', 'HEAD') }),
    path: pathOf,
    query: queryString,
    credential,
    extra: extraHeaders,
    body,
    signBody: fc.boolean(),
  })
  .map(({ method, path, query: q, credential: cred, extra, body: b, signBody }) => {
    const headers: Record<string, string> = { ...extra, ...cred };
    if (b !== undefined && signBody && path.startsWith('/webhooks')) {
      const timestamp = String(unixNow());
      headers['x-webhook-timestamp'] = timestamp;
      headers['x-webhook-signature'] = signature(timestamp, b, TEST_WEBHOOK_SECRET);
    }
    if (headers['content-type'] === '') delete headers['content-type'];
    const sendsBody = b !== undefined && method !== 'GET' && method !== 'HEAD';
    // Node sends DELETE/OPTIONS bodies without framing unless told the length; the server would then read the
    // body as a second request and answer that with a bare 400 of its own.
    if (sendsBody) headers['content-length'] = String(Buffer.byteLength(b));
    return { method, path: q ? `${path}?${q}` : path, headers, body: sendsBody ? b : undefined };
  });

const fuzzRequest = fc.oneof({ weight: 8, arbitrary: anyRequest }, { weight: 1, arbitrary: webhookDelivery }, { weight: 1, arbitrary: messageWrite });

function send(agent: Agent, base: URL, req: FuzzRequest): Promise<FuzzReply> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      { host: base.hostname, port: base.port, method: req.method, path: req.path, headers: req.headers, agent, timeout: 15000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    outgoing.on('timeout', () => outgoing.destroy(new Error('no answer within 15 s')));
    outgoing.on('error', reject);
    outgoing.end(req.body);
  });
}

/** Why the reply breaks the contract, or undefined when it keeps it. */
function violation(req: FuzzRequest, reply: FuzzReply): string | undefined {
  if (reply.status >= 500) return `server error ${reply.status}: ${reply.text.slice(0, 200)}`;
  if (reply.status < 400 || req.method === 'HEAD') return undefined;
  if (req.path.startsWith('/admin/queues') && reply.status !== 401 && req.headers.authorization?.startsWith('Basic ')) {
    // Past the operator's basic auth, bull-board's own UI API answers in its own shape; it is not part of the REST contract.
    return undefined;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(reply.text);
  } catch {
    return `error ${reply.status} without a JSON body: ${reply.text.slice(0, 120)}`;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return `error body is not an object: ${reply.text.slice(0, 120)}`;
  const { error, code, details, ...rest } = parsed as Record<string, unknown>;
  if (typeof error !== 'string' || error === '') return `error ${reply.status} without an "error" message: ${reply.text.slice(0, 120)}`;
  if (typeof code !== 'string' || !/^[a-z][a-z0-9_]*$/.test(code)) return `error ${reply.status} without a snake_case "code": ${reply.text.slice(0, 120)}`;
  if (details !== undefined && !Array.isArray(details)) return `"details" is not a list: ${reply.text.slice(0, 120)}`;
  if (Object.keys(rest).length > 0) return `unexpected fields ${Object.keys(rest).join(', ')} in an error body`;
  return undefined;
}

describe('fuzzing every route', function () {
  this.timeout(Math.max(120_000, RUNS * BATCH * 100));
  let stack: Stack;
  let agent: Agent;
  let base: URL;

  before(async () => {
    // No worker: every stored change then comes from the api's own writes, which the run accounts for.
    stack = await startStack({ api: true, worker: false, env: { CHARACTER_WAIT_MS: '50' } });
    base = new URL(stack.api!.url);
    agent = new Agent({ keepAlive: true, maxSockets: BATCH });
  });
  after(async () => {
    agent?.destroy();
    await stack?.close();
  });

  it(`answers ${RUNS * BATCH} generated requests without a 5xx, always with the documented error body, writing only what valid writes wrote`, async () => {
    const before = await fingerprint();
    const messagesBefore = before.guild_messages.rows;
    const writes = { messages: 0, webhookIds: new Set<string>() };
    const statuses = new Map<number, number>();
    const collectAll = Boolean(process.env.FUZZ_COLLECT);
    const violations: string[] = [];

    await fc.assert(
      fc.asyncProperty(fc.array(fuzzRequest, { minLength: BATCH, maxLength: BATCH }), async (requests) => {
        const replies = await Promise.all(requests.map((r) => send(agent, base, r)));
        replies.forEach((reply, i) => {
          const req = requests[i] as FuzzRequest;
          statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1);
          const problem = violation(req, reply);
          if (problem) {
            const report = `${req.method} ${req.path.slice(0, 300)} ${req.body?.slice(0, 300) ?? ''} → ${problem}`;
            // FUZZ_COLLECT lists every violation of a long run instead of stopping (and shrinking) at the first.
            if (!collectAll) throw new Error(report);
            violations.push(report);
            return;
          }
          // A clear (DELETE) is a write too: an empty version of the message.
          if ((req.method === 'PUT' || req.method === 'DELETE') && reply.status === 200 && /\/progress\/message$/.test(req.path.split('?')[0] ?? '')) writes.messages += 1;
          if (req.method === 'POST' && reply.status === 202 && req.body) writes.webhookIds.add((JSON.parse(req.body) as { id: string }).id);
        });
      }),
      { numRuns: RUNS, endOnFailure: false },
    );
    expect(violations).to.deep.equal([]);

    const after: DbFingerprint = await fingerprint();
    for (const table of TABLES) {
      if (table === 'guild_messages' || table === 'processed_webhook_events') continue;
      expect(after[table], `${table} changed without a valid write`).to.deep.equal(before[table]);
    }
    expect(after.guild_messages.rows - messagesBefore, 'messages stored vs. 200 answers to PUT and DELETE').to.equal(writes.messages);
    const events = await query<{ id: string }>('select id from processed_webhook_events');
    const newEvents = events.map((e) => e.id).filter((id) => writes.webhookIds.has(id));
    expect(after.processed_webhook_events.rows - before.processed_webhook_events.rows, 'events recorded vs. accepted webhooks').to.equal(newEvents.length);
    expect(newEvents.length).to.equal(writes.webhookIds.size);
    // The accounting above means something only if valid writes happened.
    expect(writes.messages, 'messages written').to.be.greaterThan(0);
    expect(writes.webhookIds.size, 'webhooks accepted').to.be.greaterThan(0);
    // The run exercised more than the front door: successes, refusals and validation failures all occurred.
    for (const status of [200, 400, 401, 403, 404]) expect(statuses.get(status) ?? 0, `answers with ${status}`).to.be.greaterThan(0);
  });
});
