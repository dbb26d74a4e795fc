import type { Socket } from 'node:net';
import { expect } from 'chai';
import { Redis } from 'ioredis';
import { memberLookupField, Keys } from '../../../src/redis.js';
import { TAG_SUFFIX, tagField } from '../../../src/cache/response-cache.js';
import { nameKey } from '../../../src/queue/schemas.js';
import { findGuild, type SimGuild, type SimMembership } from '../../../src/sim/index.js';
import { startApi, type RunningApi } from '../../../src/api/server.js';
import { ManualClock } from '../../../src/clock.js';
import { LogCapture } from '../../helpers/log-capture.js';
import { startStack, type Stack } from '../../helpers/stack.js';
import { monitorRedis } from '../../helpers/redis-monitor.js';
import { REDIS_URL, testConfig } from '../../helpers/test-env.js';
import { waitFor } from '../../helpers/wait.js';
import { waitForIdle } from '../../helpers/worker.js';
import { bearer, call, expectError, isolatedGuild, metric } from './helpers.js';

/** A response as sent: status, headers and the body's exact bytes. */
interface Raw {
  status: number;
  headers: Headers;
  bytes: Buffer;
}

describe('cached reads: one Redis round trip, the bytes as stored, ETag and 304', function () {
  this.timeout(60_000);
  const LIMIT = 100;
  const ORIGIN = 'https://app.example.com';
  // More characters than the Guild Master and three officers can have (three each at most): whatever the seed,
  // some user ranks below officer (`members()`).
  const spec = isolatedGuild(13);
  let stack: Stack;
  let url: string;
  let guild: SimGuild;
  let keys: Keys;
  const redis = new Redis(REDIS_URL);
  const gm = () => guild.members.find((m) => m.rankId === 0)!;
  /** One character of each user below officer (guild-api ranks a user by their best character), the GM's excepted. */
  const members = () => {
    const best = new Map<number, number>();
    for (const m of guild.members) best.set(m.bnetId, Math.min(best.get(m.bnetId) ?? Infinity, m.rankId));
    return guild.members.filter((m, i) => (best.get(m.bnetId) as number) > 1 && guild.members.findIndex((o) => o.bnetId === m.bnetId) === i);
  };
  const characterPath = (m: SimMembership, realm = true) =>
    `/guilds/${guild.id}/progress/character/${encodeURIComponent(m.characterName)}${realm ? `?realm=${m.realmSlug}` : ''}`;
  const overviewPath = () => `/guilds/${guild.id}/progress/members?limit=50`;
  const get = async (path: string, bnetId: number, headers: Record<string, string> = {}): Promise<Raw> => {
    const res = await fetch(`${url}${path}`, { headers: { ...bearer(stack.sim.tokenFor(bnetId)), ...headers } });
    return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
  };
  const hits = (kind: string) => metric(url, 'progress_cache_hits_total', { kind });
  const misses = (kind: string) => metric(url, 'progress_cache_misses_total', { kind });

  /** Reads until the body is cached: the first read of a character may wait for its fetch (202). */
  const warm = async (path: string, bnetId: number, kind: string) => {
    await waitFor(async () => (await get(path, bnetId)).status === 200, 20_000, `${path} to answer 200`);
    const before = await hits(kind);
    expect((await get(path, bnetId)).status).to.equal(200);
    expect(await hits(kind), `${path} is served from the cache`).to.equal(before + 1);
  };

  /** The commands the api's request connection sent while `fn` ran, and those Redis saw from that connection. */
  const commandsDuring = async (fn: () => Promise<unknown>) => {
    // A single Redis in these tests: its one connection is the request connection.
    const client = stack.api!.deps.redis as Redis;
    const sent: string[] = [];
    const original = client.sendCommand;
    client.sendCommand = ((command, stream) => {
      sent.push(command.name);
      return original.call(client, command, stream);
    }) as typeof original;
    const port = (client.stream as Socket).localPort;
    const monitor = await monitorRedis(REDIS_URL);
    const seenFromApi = () => monitor.commands.filter((c) => c.source.endsWith(`:${port}`)).map((c) => c.name);
    let seen: string[] = [];
    try {
      await fn();
      // MONITOR streams asynchronously: a PING sent after the request is seen after everything it sent.
      await client.ping();
      await waitFor(async () => seenFromApi().includes('ping'), 5000, 'the monitor to see the marker');
      seen = seenFromApi();
    } finally {
      client.sendCommand = original;
      monitor.close();
    }
    return { sent: sent.filter((c) => c !== 'ping'), seen: seen.filter((c) => c !== 'ping') };
  };

  /** Drops the cached body of a read, so the next one is computed by the routes behind Koa. */
  const dropBody = async (kind: 'character' | 'overview') => {
    if (kind === 'character') await redis.hdel(keys.guildMemberLookups(guild.id), memberLookupField(gm().realmSlug, nameKey(gm().characterName)));
    else await redis.unlink(keys.guildResponses(guild.id));
  };
  /** A response's headers that do not change from one request to the next, by name. */
  const stableHeaders = (headers: Headers) =>
    Object.fromEntries([...headers].filter(([name]) => !['date', 'x-request-id', 'ratelimit-remaining', 'ratelimit-reset'].includes(name)));

  before(async () => {
    stack = await startStack({ api: true, env: { RATE_LIMIT_PER_MINUTE: String(LIMIT), CORS_ORIGINS: ORIGIN }, simulator: { seed: spec.id, world: { demo: false, guilds: [spec] } } });
    url = stack.api!.url;
    guild = findGuild(stack.sim.world, spec.id)!;
    keys = new Keys(stack.config.redisPrefix);
    expect((await get(overviewPath(), gm().bnetId)).status).to.equal(200);
    await waitForIdle(stack.queues);
    await warm(overviewPath(), gm().bnetId, 'overview');
    await warm(characterPath(gm()), gm().bnetId, 'character');
  });
  after(async () => {
    await stack?.close();
    redis.disconnect();
  });

  it('answers a cached character view and a cached overview with one command to Redis', async () => {
    for (const [path, kind] of [[characterPath(gm()), 'character'], [characterPath(gm(), false), 'character'], [overviewPath(), 'overview']] as const) {
      const before = await hits(kind);
      let status = 0;
      const { sent, seen } = await commandsDuring(async () => {
        status = (await get(path, gm().bnetId)).status;
      });
      expect(status).to.equal(200);
      expect(await hits(kind), `${path} is a hit`).to.equal(before + 1);
      expect(sent, `${path}: commands the api sent`).to.have.length(1);
      expect(sent[0]).to.be.oneOf(['evalsha', 'eval']);
      expect(seen, `${path}: commands Redis received from the api`).to.deep.equal(sent);
    }
  });

  it('sends the same bytes and headers on a hit as when the body was computed, with an ETag', async () => {
    for (const [path, kind] of [[characterPath(gm()), 'character'], [overviewPath(), 'overview']] as const) {
      const hit = await get(path, gm().bnetId);
      await dropBody(kind);
      const missesBefore = await misses(kind);
      const computed = await get(path, gm().bnetId);
      expect(await misses(kind), `${path} was computed again`).to.equal(missesBefore + 1);
      expect(computed.status).to.equal(200);
      expect(computed.bytes.equals(hit.bytes), `${path}: same bytes`).to.equal(true);
      expect(computed.headers.get('etag')).to.match(/^"[A-Za-z0-9_-]{27}"$/).and.equal(hit.headers.get('etag'));
      expect(JSON.parse(hit.bytes.toString('utf8'))).to.be.an('object');
      for (const name of ['content-type', 'content-length', 'cache-control', 'ratelimit-limit', 'x-content-type-options']) {
        expect(hit.headers.get(name), `${path}: ${name}`).to.equal(computed.headers.get(name));
      }
      expect(hit.headers.get('content-type')).to.equal('application/json; charset=utf-8');
      expect(Number(hit.headers.get('content-length'))).to.equal(hit.bytes.length);
    }
  });

  it('sends on a hit every header the routes send for the same request, whatever the origin', async () => {
    for (const [path, kind] of [[characterPath(gm()), 'character'], [overviewPath(), 'overview']] as const) {
      for (const origin of [ORIGIN, 'https://elsewhere.example.com', undefined]) {
        const headers: Record<string, string> = origin ? { origin, 'x-request-id': 'req-cached.1' } : { 'x-request-id': 'req-cached.1' };
        const before = await hits(kind);
        const hit = await get(path, gm().bnetId, headers);
        expect(await hits(kind), `${path} from ${origin}: a hit`).to.equal(before + 1);
        await dropBody(kind);
        const computed = await get(path, gm().bnetId, headers);
        expect(await hits(kind), `${path} from ${origin}: computed`).to.equal(before + 1);
        expect(stableHeaders(hit.headers), `${path} from ${origin}`).to.deep.equal(stableHeaders(computed.headers));
        expect(hit.headers.get('x-request-id')).to.equal('req-cached.1');
        expect(hit.headers.get('access-control-allow-origin')).to.equal(origin === ORIGIN ? ORIGIN : null);
        expect(hit.headers.get('content-security-policy')).to.be.a('string');
      }
    }
  });

  it('takes the access_token cookie as the routes do, quoted or not, and leaves an API token to the routes', async () => {
    const token = stack.sim.tokenFor(gm().bnetId);
    const before = await hits('character');
    for (const cookie of [`access_token=${token}`, `theme=dark; access_token="${token}"`]) {
      const res = await fetch(`${url}${characterPath(gm())}`, { headers: { cookie } });
      expect(res.status, cookie.slice(0, 20)).to.equal(200);
    }
    expect(await hits('character'), 'both served before Koa').to.equal(before + 2);
    const unknown = await fetch(`${url}${characterPath(gm())}`, { headers: { authorization: 'Bearer pat_unknown' } });
    expect(unknown.status, 'an API token is checked by the routes').to.equal(401);
    expect(await hits('character')).to.equal(before + 2);
  });

  it('sends a body it holds only while Redis still stores that very entry', async () => {
    const client = stack.api!.deps.redis as unknown as Record<string, (...args: unknown[]) => Promise<unknown[]>>;
    const original = client.progressCachedReadBuffer!;
    const bodies: unknown[] = [];
    client.progressCachedReadBuffer = async (...args: unknown[]) => {
      const replies = await original.apply(client, args);
      bodies.push(replies[4]);
      return replies;
    };
    try {
      const first = await get(overviewPath(), gm().bnetId);
      const second = await get(overviewPath(), gm().bnetId);
      expect(second.bytes.equals(first.bytes)).to.equal(true);
      expect(bodies.at(-1), 'Redis did not send the unchanged body again').to.equal(1);

      // Another writer stores a new body for the same read: the copy held is stale and must not be sent.
      // The body's own field, not its tag field beside it: HKEYS lists a hash's fields in an order of Redis's own.
      const fields = (await redis.hkeys(keys.guildResponses(guild.id))).filter((f) => f.startsWith('overview:') && !f.endsWith(TAG_SUFFIX));
      expect(fields, 'one cached overview').to.have.length(1);
      const field = fields[0]!;
      const stored = (await redis.hgetBuffer(keys.guildResponses(guild.id), field))!;
      const expiresAt = stored.toString('latin1', 0, stored.indexOf(10)).split(' ')[0];
      const changed = Buffer.from('{"members":[],"changed":true}');
      // As every writer stores an entry: the entry and its header line's tag field in one HSET.
      const header = `${expiresAt} "changed-tag"\n`;
      await redis.hset(keys.guildResponses(guild.id), field, Buffer.concat([Buffer.from(header), changed]), tagField(field), header);
      const third = await get(overviewPath(), gm().bnetId);
      expect(third.bytes.equals(changed), 'the body Redis stores now').to.equal(true);
      expect(third.headers.get('etag')).to.equal('"changed-tag"');
      expect(Buffer.isBuffer(bodies.at(-1))).to.equal(true);
      expect((await get(overviewPath(), gm().bnetId)).bytes.equals(changed)).to.equal(true);
      expect(bodies.at(-1)).to.equal(1);

      // The entry dropped with its tag left behind: the copy held is not taken for it.
      await redis.hdel(keys.guildResponses(guild.id), field);
      expect(await redis.hget(keys.guildResponses(guild.id), tagField(field))).to.equal(header);
      const missesBefore = await misses('overview');
      const fourth = await get(overviewPath(), gm().bnetId);
      expect(fourth.status).to.equal(200);
      expect(fourth.bytes.equals(changed), 'computed again, not the copy held').to.equal(false);
      expect(await misses('overview')).to.equal(missesBefore + 1);
    } finally {
      client.progressCachedReadBuffer = original;
      await dropBody('overview');
    }
  });

  it('computes an overview once for misses that arrive together, and answers them all with it', async () => {
    const cache = stack.api!.deps.responseCache;
    const { getGuildBody, setGuildBody } = cache;
    const COUNT = 12;
    // Each miss waits until all of them have missed, so they are in the api together when the first computes.
    let arrived = 0;
    let release!: () => void;
    const together = new Promise<void>((resolve) => (release = resolve));
    cache.getGuildBody = async (...args: Parameters<typeof getGuildBody>) => {
      const read = await getGuildBody.apply(cache, args);
      arrived += 1;
      if (arrived === COUNT) release();
      await together;
      return read;
    };
    let stored = 0;
    cache.setGuildBody = (...args: Parameters<typeof setGuildBody>) => {
      stored += 1;
      return setGuildBody.apply(cache, args);
    };
    try {
      await dropBody('overview');
      const missesBefore = await misses('overview');
      const answers = await Promise.all(Array.from({ length: COUNT }, () => get(overviewPath(), gm().bnetId)));
      expect(answers.map((a) => a.status)).to.deep.equal(answers.map(() => 200));
      expect(await misses('overview'), 'every one of them missed').to.equal(missesBefore + COUNT);
      expect(stored, 'one computation, stored once').to.equal(1);
      for (const a of answers) expect(a.bytes.equals(answers[0]!.bytes)).to.equal(true);
    } finally {
      cache.getGuildBody = getGuildBody;
      cache.setGuildBody = setGuildBody;
    }
  });

  it('answers If-None-Match with its ETag 304 and no body, from the cache and after a miss alike', async () => {
    for (const [path, kind] of [[characterPath(gm()), 'character'], [overviewPath(), 'overview']] as const) {
      const first = await get(path, gm().bnetId);
      const etag = first.headers.get('etag')!;
      const before = await hits(kind);
      const cached = await get(path, gm().bnetId, { 'if-none-match': etag });
      expect(cached.status, `${path} with its tag`).to.equal(304);
      expect(cached.bytes.length).to.equal(0);
      expect(cached.headers.get('etag')).to.equal(etag);
      expect(await hits(kind), 'answered from the cache').to.equal(before + 1);
      expect((await get(path, gm().bnetId, { 'if-none-match': `"other", W/${etag}` })).status, 'weak and listed tags match').to.equal(304);
      const other = await get(path, gm().bnetId, { 'if-none-match': '"something-else"' });
      expect(other.status).to.equal(200);
      expect(other.bytes.equals(first.bytes)).to.equal(true);

      if (kind === 'character') await redis.hdel(keys.guildMemberLookups(guild.id), memberLookupField(gm().realmSlug, nameKey(gm().characterName)));
      else await redis.unlink(keys.guildResponses(guild.id));
      const missesBefore = await misses(kind);
      const computed = await get(path, gm().bnetId, { 'if-none-match': etag });
      expect(await misses(kind)).to.equal(missesBefore + 1);
      expect(computed.status, `${path} computed again, same tag`).to.equal(304);
      expect(computed.bytes.length).to.equal(0);
    }
  });

  it('decides permission as before: a cached decision below the route rank is still 403 with the route message', async () => {
    const user = members()[0]!;
    for (let i = 0; i < 2; i += 1) {
      expectError(await call(`${url}${overviewPath()}`, { headers: bearer(stack.sim.tokenFor(user.bnetId)) }), 403, 'insufficient_rank', 'Access denied - Officer rank required');
    }
    // A member whose cached decision is gone (a webhook dropped it) is asked about again, not served blindly.
    await redis.unlink(keys.permission(guild.id, gm().bnetId));
    const before = await hits('character');
    expect((await get(characterPath(gm()), gm().bnetId)).status).to.equal(200);
    expect(await redis.exists(keys.permission(guild.id, gm().bnetId)), 'the decision is cached again').to.equal(1);
    expect(await hits('character')).to.equal(before + 1);
  });
  it('takes one point of the shared rate-limit budget per cached read, and refuses past it with 429', async () => {
    const user = members()[0]!;
    const path = characterPath(gm());
    await warm(path, user.bnetId, 'character');
    const remaining = async (p: string) => Number((await get(p, user.bnetId)).headers.get('ratelimit-remaining'));
    const a = await remaining(path);
    const b = await remaining(path);
    expect(b, 'one point per cached read').to.equal(a - 1);
    const c = await remaining(`/guilds/${guild.id}/progress/characters`);
    expect(c, 'the same budget as every other route').to.equal(b - 1);
    expect(await remaining(path)).to.equal(c - 1);
    for (let left = c - 1; left > 0; left -= 1) expect((await get(path, user.bnetId)).status).to.equal(200);
    const refused = await get(path, user.bnetId);
    expect(refused.status).to.equal(429);
    expect(Number(refused.headers.get('retry-after'))).to.be.within(1, 60);
    expect(refused.headers.get('ratelimit-remaining')).to.equal('0');
  });

  describe('on an api behind a TLS proxy, with a clock of its own', () => {
    let other: RunningApi;
    const clock = new ManualClock(Date.now());
    const logs = new LogCapture();
    const proxied = (proto: string) => ({ 'x-forwarded-proto': proto });
    const otherGet = async (path: string, headers: Record<string, string>) => {
      const res = await fetch(`${other.url}${path}`, { headers: { ...bearer(stack.sim.tokenFor(gm().bnetId)), ...headers } });
      return { status: res.status, headers: res.headers, text: await res.text() };
    };
    const otherHits = () => metric(other.url, 'progress_cache_hits_total', { kind: 'character' });
    /** The access-log lines of a path, without what differs from one request to the next. */
    const requestLines = (path: string) =>
      logs
        .lines()
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .filter((line) => line.msg === 'request' && line.path === path)
        .map(({ time: _time, ms: _ms, pid: _pid, hostname: _host, ...rest }) => rest);

    before(async () => {
      other = await startApi(testConfig({ ...stack.env, FORCE_HTTPS: 'true', TRUST_PROXY: 'true', LOG_LEVEL: 'info' }), logs.logger('info', 'api'), 0, '127.0.0.1', { clock });
    });
    after(async () => {
      await other?.close();
    });

    it('serves a forwarded https read from the cache with HSTS, and refuses plain http as the routes do', async () => {
      const path = characterPath(gm());
      await waitFor(async () => (await otherGet(path, proxied('https'))).status === 200, 10_000, 'the view to be cached');
      const before = await otherHits();
      const served = await otherGet(path, { ...proxied('https'), 'x-request-id': 'proxied-1' });
      expect(served.status).to.equal(200);
      expect(served.headers.get('strict-transport-security')).to.match(/^max-age=/);
      expect(await otherHits(), 'a hit').to.equal(before + 1);
      const refused = await otherGet(path, proxied('http'));
      expect(refused.status).to.equal(403);
      expect(JSON.parse(refused.text).code).to.equal('https_required');
      expect(await otherHits(), 'plain http is never served from the cache').to.equal(before + 1);
    });

    it('writes the same access-log line for a hit as the routes do', async () => {
      const path = characterPath(gm());
      const pathOnly = path.split('?')[0] as string;
      await otherGet(path, { ...proxied('https'), 'x-request-id': 'log-hit' });
      await dropBody('character');
      await otherGet(path, { ...proxied('https'), 'x-request-id': 'log-computed' });
      await waitFor(async () => requestLines(pathOnly).some((l) => l.requestId === 'log-computed'), 5000, 'the log line');
      const hit = requestLines(pathOnly).find((l) => l.requestId === 'log-hit');
      const computed = requestLines(pathOnly).find((l) => l.requestId === 'log-computed');
      expect(hit).to.deep.equal({ ...computed, requestId: 'log-hit' });
      expect(hit).to.include({ method: 'GET', route: '/guilds/:guild_id/progress/character/:character_name', status: 200, user: gm().bnetId });
    });

    it('serves a body until the instant it expires by business time, and not at that instant', async () => {
      const path = characterPath(gm());
      await waitFor(async () => (await otherGet(path, proxied('https'))).status === 200, 10_000, 'the view to be cached');
      const stored = (await redis.hgetBuffer(keys.guildMemberLookups(guild.id), memberLookupField(gm().realmSlug, nameKey(gm().characterName))))!;
      const expiresAt = Number(stored.toString('latin1', 0, stored.indexOf(10)).split(' ')[0]);
      clock.set(expiresAt - 1);
      let before = await otherHits();
      expect((await otherGet(path, proxied('https'))).status).to.equal(200);
      expect(await otherHits(), 'one millisecond before: a hit').to.equal(before + 1);
      clock.set(expiresAt);
      before = await otherHits();
      await otherGet(path, proxied('https'));
      expect(await otherHits(), 'at the instant: not served from the cache').to.equal(before);
    });
  });
});
