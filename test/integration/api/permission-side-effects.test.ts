import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import Router from '@koa/router';
import { expect } from 'chai';
import { Redis } from 'ioredis';
import Koa from 'koa';
import type { ApiDeps } from '../../../src/api/deps.js';
import { auth } from '../../../src/api/middleware/auth.js';
import { errorHandler } from '../../../src/api/middleware/error-handler.js';
import { permission } from '../../../src/api/middleware/permission.js';
import { buildApiDeps, closeApiDeps } from '../../../src/api/server.js';
import { accessToken } from '../../security/jwt-forge.js';
import { startStack, type Stack } from '../../helpers/stack.js';
import { testConfig, testLogger } from '../../helpers/test-env.js';
import { pendingJobs, waitFor } from '../../helpers/worker.js';
import { bearer, call } from '../../faults/support.js';

/**
 * Redis commands that only read (XREAD is the api's queue-events listener, CLIENT SETNAME a connection naming
 * itself); anything else on the stack's keys is a write.
 */
const READ_ONLY = new Set(['get', 'hget', 'hgetall', 'exists', 'ttl', 'pttl', 'smembers', 'ping', 'info', 'xread', 'xrevrange', 'client']);

/**
 * Every command Redis runs on the stack's keys while `run` runs, as MONITOR reports them. Read over a plain
 * socket: each line is `+<time> [<db> <client>] "<command>" "<arg>" ...`.
 */
async function commandsDuring(prefix: string, run: () => Promise<void>): Promise<string[]> {
  const { hostname, port } = new URL(testConfig().redisUrl);
  const socket = connect(Number(port || 6379), hostname);
  let buffered = '';
  const seen: string[] = [];
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split('\r\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) {
      const command = line.replace(/^\+[\d.]+ \[[^\]]*\] /, '');
      if (command !== line && command.includes(prefix)) seen.push(command.replace(/"/g, ''));
    }
  });
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  socket.write('MONITOR\r\n');
  await waitFor(async () => buffered.startsWith('+OK') || seen.length > 0 || buffered === '', 5000, 'MONITOR to start');
  try {
    await run();
    // MONITOR streams commands as Redis runs them; a marker command shows everything before it has arrived.
    const marker = `${prefix}:monitor-marker:${Date.now()}`;
    const probe = new Redis(testConfig().redisUrl);
    await probe.get(marker);
    await waitFor(async () => seen.some((c) => c.includes(marker)), 5000, 'the monitor marker');
    probe.disconnect();
    return seen.filter((c) => !c.includes(marker));
  } finally {
    socket.destroy();
  }
}

/**
 * permission() decides and nothing else: whether guild-api is asked (cache miss) or not (cache hit), and
 * whether the answer is yes or no, it reads Redis and never writes it or enqueues a job. Caching the decision
 * and tracking the guild are steps of their own (`rememberAccess`, `trackGuild`).
 */
describe('permission() has no side effects', function () {
  this.timeout(60_000);
  let stack: Stack;
  let deps: ApiDeps;
  let server: Server;
  let url: string;
  const users = { gm: 1001, outsider: 1004 };
  const checks = () => stack.sim.counters().guildApi.byPath['/guilds/1/permissions/check'] ?? 0;
  const probe = (bnetId: number) => call(`${url}/guilds/1/probe`, { headers: bearer(accessToken(bnetId)) });

  before(async () => {
    stack = await startStack({ worker: false });
    const config = testConfig(stack.env, 'api');
    deps = await buildApiDeps(config, testLogger());
    // Queues write their own metadata once when they connect: done before anything is watched.
    await Promise.all([...Object.values(deps.queues), deps.characterEvents, deps.comparisonEvents].map((q) => q.waitUntilReady()));
    const app = new Koa();
    app.silent = true;
    app.use(errorHandler());
    const router = new Router();
    router.get('/guilds/:guild_id/probe', auth(config.jwtSecretKey), permission(deps, 'member'), (ctx) => {
      ctx.status = 204;
    });
    app.use(router.routes());
    server = createServer(app.callback());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    if (deps) await closeApiDeps(deps);
    await stack?.close();
  });

  const writesOf = (commands: string[]) => commands.filter((c) => !READ_ONLY.has((c.split(' ')[0] ?? '').toLowerCase()));

  it('asks guild-api on a miss, answers, and writes nothing to Redis', async () => {
    const asked = checks();
    const commands = await commandsDuring(stack.config.redisPrefix, async () => {
      expect((await probe(users.gm)).status).to.equal(204);
      expect((await probe(users.outsider)).status).to.equal(403);
    });
    expect(checks(), 'guild-api was asked').to.equal(asked + 2);
    // Each miss reads the cached decision, then the user's permission generation (see GuildAccess.remember).
    expect(commands.filter((c) => c.toLowerCase().startsWith('get ')), 'the cache was read').to.have.length(4);
    expect(writesOf(commands)).to.deep.equal([]);
    for (const queue of Object.values(stack.queues)) expect(await pendingJobs(queue)).to.equal(0);
  });

  it('answers from a cached decision without writing either', async () => {
    await deps.guildAccess.remember(1, users.gm, { allowed: true, rankId: 0 }, await deps.redis.get(deps.keys.userPermissionGeneration(users.gm)));
    const asked = checks();
    const commands = await commandsDuring(stack.config.redisPrefix, async () => {
      expect((await probe(users.gm)).status).to.equal(204);
    });
    expect(checks(), 'guild-api was not asked').to.equal(asked);
    expect(writesOf(commands)).to.deep.equal([]);
  });

  it('sees the writes of the full chain, so the monitor would catch one (control)', async () => {
    const api = await import('../../../src/api/app.js');
    const { ROUTE_MODULES } = await import('../../../src/api/routes/index.js');
    const full = createServer(api.createApp(deps, ROUTE_MODULES).callback());
    await new Promise<void>((resolve) => full.listen(0, '127.0.0.1', resolve));
    const fullUrl = `http://127.0.0.1:${(full.address() as AddressInfo).port}`;
    try {
      const commands = await commandsDuring(stack.config.redisPrefix, async () => {
        expect((await call(`${fullUrl}/guilds/1/progress/roadmap`, { headers: bearer(accessToken(users.outsider)) })).status).to.equal(403);
        // The decision is remembered after the answer: wait until it is in Redis.
        await waitFor(async () => (await deps.redis.exists(deps.keys.permission(1, users.outsider))) === 1, 5000, 'the cached refusal');
      });
      expect(writesOf(commands).some((c) => c.toLowerCase().startsWith('set ')), 'rememberAccess cached the refusal').to.equal(true);
    } finally {
      await new Promise<void>((resolve) => full.close(() => resolve()));
    }
  });
});
