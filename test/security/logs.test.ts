import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { SIM_CREDENTIALS, startSimulator, type Simulator } from '../../src/sim/index.js';
import { LogCapture, leaksOf } from '../helpers/log-capture.js';
import { startChild, type ChildService } from '../helpers/processes.js';
import { createMigratedDatabase, deleteRedisKeys, dropDatabase, TEST_JWT_SECRET, TEST_WEBHOOK_SECRET, testRun, uniqueId } from '../helpers/test-env.js';
import { waitFor } from '../helpers/worker.js';
import { forgeries, refreshToken } from './jwt-forge.js';
import { deliver, signedDelivery, unixNow } from './webhook-sign.js';

/**
 * The api and the worker run as they do in production (child processes, JSON on stdout) at the most verbose
 * level, while traffic carries every kind of credential: user tokens in headers and cookies, forged tokens,
 * webhook signatures, the dashboard password, and the worker's own OAuth calls. No line may contain one.
 */
describe('no credential ever reaches a log line', function () {
  this.timeout(90_000);
  const prefix = `${testRun.redisPrefix}_logs`;
  const SECRET_KEY = 'server-secret-key-that-must-stay-hidden';
  const DASHBOARD_PASSWORD = 'dashboard-password-that-must-stay-hidden';
  const OTHER_COOKIE = 'session-cookie-value-that-must-stay-hidden';
  let sim: Simulator;
  let oauthTap: Server;
  const issuedUpstreamTokens: string[] = [];
  const logs = new LogCapture();
  const databaseName = `${testRun.databaseName}_${uniqueId()}`;
  let databaseUrl: string;
  let api: ChildService;
  let worker: ChildService;

  before(async () => {
    databaseUrl = await createMigratedDatabase(databaseName);
    sim = await startSimulator({ jwtSecretKey: TEST_JWT_SECRET, seed: 4242 });
    // Battle.net's and WarcraftLogs' token endpoints, through a tap that remembers the tokens they issue.
    oauthTap = createServer((req, res) => {
      const target = new URL(req.url ?? '/', sim.url);
      const upstream = request(target, { method: req.method, headers: req.headers }, (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (c: Buffer) => chunks.push(c));
        answer.on('end', () => {
          const body = Buffer.concat(chunks);
          try {
            const token = (JSON.parse(body.toString()) as { access_token?: string }).access_token;
            if (token) issuedUpstreamTokens.push(token);
          } catch {
            // not a token answer
          }
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          res.end(body);
        });
      });
      req.pipe(upstream);
    });
    await new Promise<void>((resolve) => oauthTap.listen(0, '127.0.0.1', resolve));
    const tap = `http://127.0.0.1:${(oauthTap.address() as AddressInfo).port}`;
    const env = {
      ...sim.env,
      BLIZZARD_OAUTH_URL: `${tap}/blizzard/oauth/token`,
      WARCRAFTLOGS_OAUTH_URL: `${tap}/wcl/oauth/token`,
      REDIS_PREFIX: prefix,
      SECRET_KEY,
      QUEUE_DASHBOARD_PASSWORD: DASHBOARD_PASSWORD,
      LOG_LEVEL: 'trace',
      DEBUG: 'true',
      CHARACTER_WAIT_MS: '3000',
      // A database of its own: other files change the demo guilds' membership in the run's shared database.
      DATABASE_URL: databaseUrl,
    };
    [api, worker] = await Promise.all([startChild('api', env, { logs }), startChild('worker', env, { logs })]);
  });
  after(async () => {
    await Promise.allSettled([api?.stop(), worker?.stop()]);
    await sim?.close();
    await new Promise<void>((resolve) => (oauthTap ? oauthTap.close(() => resolve()) : resolve()));
    await deleteRedisKeys(prefix);
    await dropDatabase(databaseName);
  });

  it('keeps every token, cookie, secret, signature and Authorization value out of the api and worker logs', async () => {
    const { guildMaster, officer, otherGuildMember } = sim.world.demoUsers;
    const tokens = { gm: sim.tokenFor(guildMaster), officer: sim.tokenFor(officer), outsider: sim.tokenFor(otherGuildMember) };
    const viaHeader = (token: string) => ({ authorization: `Bearer ${token}` });
    const viaCookie = (token: string) => ({ cookie: `theme=dark; access_token=${token}; session=${OTHER_COOKIE}` });
    const get = (path: string, headers: Record<string, string>) => fetch(`${api.url}${path}`, { headers }).then(async (r) => ({ status: r.status, text: await r.text() }));

    // Reads that make the api call guild-api with the user's token and the worker call Battle.net and WarcraftLogs.
    expect((await get('/guilds/1/progress/members', viaHeader(tokens.gm))).status).to.equal(200);
    expect((await get('/guilds/1/progress/characters', viaCookie(tokens.officer))).status).to.equal(200);
    expect((await get('/guilds/1/progress/character/Gallyboss?realm=bleeding-hollow', viaHeader(tokens.gm))).status).to.be.oneOf([200, 202]);
    expect((await get('/guilds/1/progress/comparisons', viaCookie(tokens.gm))).status).to.be.oneOf([200, 202]);
    await get('/guilds/1/progress/members?format=csv', viaHeader(tokens.officer));
    await get('/guilds/1/progress/roadmap', viaHeader(tokens.outsider));
    const put = await fetch(`${api.url}/guilds/1/progress/message`, {
      method: 'PUT',
      headers: { ...viaCookie(tokens.gm), 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'Raid at eight' }),
    });
    expect(put.status).to.equal(200);

    // A read-only API token: created (its one showing), used for the overview and its CSV, refused on a write, revoked.
    const created = await fetch(`${api.url}/guilds/1/progress/tokens`, {
      method: 'POST',
      headers: { ...viaHeader(tokens.gm), 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Raid sheet', scopes: ['overview', 'csv'] }),
    });
    expect(created.status).to.equal(201);
    const readOnly = (await created.json()) as { id: number; token: string };
    expect((await get('/guilds/1/progress/members', viaHeader(readOnly.token))).status).to.equal(200);
    expect((await get('/guilds/1/progress/members?format=csv', viaHeader(readOnly.token))).status).to.equal(200);
    expect((await fetch(`${api.url}/guilds/1/progress/message`, { method: 'PUT', headers: { ...viaHeader(readOnly.token), 'content-type': 'application/json' }, body: '{"message":"x"}' })).status).to.equal(403);
    expect((await fetch(`${api.url}/guilds/1/progress/tokens/${readOnly.id}`, { method: 'DELETE', headers: viaHeader(tokens.gm) })).status).to.equal(200);
    expect((await get('/guilds/1/progress/members', viaHeader(readOnly.token))).status).to.equal(401);

    // Refusals, whose error paths log too.
    for (const forged of forgeries(guildMaster).filter((f) => f.token.length < 4096)) {
      await get('/guilds/1/progress/roadmap', viaHeader(forged.token));
      await get('/guilds/1/progress/roadmap', viaCookie(forged.token));
    }
    await get('/guilds/1/progress/roadmap', viaHeader(refreshToken(guildMaster)));
    await get('/guilds/1/progress/roadmap', { authorization: `Token ${tokens.gm}` });
    await get(`/guilds/not-a-number/progress/roadmap`, viaHeader(tokens.gm));

    // The dashboard, with the right and a wrong password.
    const basic = (password: string) => ({ authorization: `Basic ${Buffer.from(`operator:${password}`).toString('base64')}` });
    expect((await get('/admin/queues', basic(DASHBOARD_PASSWORD))).status).to.equal(200);
    expect((await get('/admin/queues/api/queues', basic(DASHBOARD_PASSWORD))).status).to.equal(200);
    expect((await get('/admin/queues', basic(`${DASHBOARD_PASSWORD}-wrong`))).status).to.equal(401);

    // Webhooks: accepted, forged, stale and replayed.
    const event = { id: randomUUID(), type: 'guild.roster_changed', guild_id: 1, occurred_at: new Date().toISOString(), data: {} };
    const signed = signedDelivery(event);
    expect((await deliver(api.url, signed)).status).to.equal(202);
    expect((await deliver(api.url, signed)).status).to.equal(202);
    expect((await deliver(api.url, { ...signed, signature: `sha256=${'ab'.repeat(32)}` })).status).to.equal(401);
    expect((await deliver(api.url, signedDelivery({ ...event, id: randomUUID() }, { timestamp: unixNow() - 3600 }))).status).to.equal(401);

    // Upstream failures, whose warnings carry reasons.
    sim.setFaults({ errorRate: 1 });
    sim.changeGear('us', 'bleeding-hollow', 'Sprocketta');
    await get('/guilds/1/progress/character/Sprocketta?realm=bleeding-hollow', viaHeader(tokens.officer));
    sim.setFaults({ errorRate: 0, guildApiDown: true });
    await get('/guilds/2/progress/roadmap', viaHeader(tokens.outsider));
    sim.resetFaults();
    // An expired upstream token makes the worker fetch a new one mid-run.
    sim.revokeUpstreamTokens();
    sim.changeGear('us', 'bleeding-hollow', 'Gallyboss');
    await fetch(`${api.url}/guilds/1/progress/character/Gallyboss?realm=bleeding-hollow`, { headers: viaHeader(tokens.gm) });

    await waitFor(async () => logs.lines().some((l) => l.includes('"upstream":"blizzard"')) || undefined, 20_000, 'Battle.net calls in the worker log');
    await waitFor(async () => issuedUpstreamTokens.length >= 2 || undefined, 20_000, 'the worker to fetch upstream tokens');
    await api.stop();
    await worker.stop();

    const lines = logs.lines();
    const secrets: Record<string, string> = {
      'JWT_SECRET_KEY': TEST_JWT_SECRET,
      'WEBHOOK_SECRET': TEST_WEBHOOK_SECRET,
      'SECRET_KEY': SECRET_KEY,
      'BLIZZARD_CLIENT_SECRET': SIM_CREDENTIALS.clientSecret,
      'dashboard password': DASHBOARD_PASSWORD,
      'dashboard Authorization value': basic(DASHBOARD_PASSWORD).authorization.slice('Basic '.length),
      'other cookie value': OTHER_COOKIE,
      'accepted webhook signature': signed.signature.slice('sha256='.length),
      ...Object.fromEntries(Object.entries(tokens).map(([who, token]) => [`${who}'s access token`, token])),
      ...Object.fromEntries(Object.entries(tokens).map(([who, token]) => [`${who}'s token signature`, token.split('.')[2] as string])),
      'read-only API token': readOnly.token,
      'read-only API token without its prefix': readOnly.token.slice('pat_'.length),
      ...Object.fromEntries(issuedUpstreamTokens.map((token, i) => [`upstream OAuth token ${i + 1}`, token])),
    };
    const upstreamBasic = Buffer.from(`${SIM_CREDENTIALS.clientId}:${SIM_CREDENTIALS.clientSecret}`).toString('base64');
    secrets['upstream Basic Authorization value'] = upstreamBasic;
    expect(leaksOf(lines, secrets)).to.deep.equal([]);

    // The capture really saw both processes at work.
    const records = logs.records();
    expect(records.filter((r) => r.name === 'api' && r.msg === 'request').length).to.be.greaterThan(40);
    expect(records.some((r) => r.name === 'worker' && r.msg === 'job done')).to.equal(true);
    expect(records.filter((r) => r.msg === 'request' && r.apiTokenId === readOnly.id).length, "the read-only token's requests, by id").to.equal(2);
    expect(records.some((r) => r.upstream === 'guild_api' || r.upstream === 'guild-api')).to.equal(true);
    expect(lines.every((l) => l.startsWith('{')), `non-JSON lines: ${lines.filter((l) => !l.startsWith('{')).slice(0, 3).join(' | ')}`).to.equal(true);
  });
});
