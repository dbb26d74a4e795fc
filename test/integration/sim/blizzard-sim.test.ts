import { expect } from 'chai';
import { got } from 'got';
import { startSimulator, type Simulator } from '../../../src/sim/index.js';
import { HOURLY_OVERAGE_DELAY_MS } from '../../../src/sim/faults.js';
import { JWT_SECRET } from '../upstream/support/configs.js';

import { sleep } from '../../helpers/wait.js';
const noRetry = { retry: { limit: 0 }, throwHttpErrors: false };

describe('simulated Battle.net', () => {
  let sim: Simulator;
  let token: string;

  const request = (path: string, options: { token?: string | null; namespace?: string | null; headers?: Record<string, string>; query?: Record<string, string> } = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    const bearer = options.token === undefined ? token : options.token;
    if (bearer) headers.authorization = `Bearer ${bearer}`;
    const searchParams: Record<string, string> = { locale: 'en_US', ...options.query };
    if (options.namespace !== null) searchParams.namespace = options.namespace ?? 'profile-us';
    return got(`${sim.url}/blizzard/us${path}`, { ...noRetry, headers, searchParams });
  };
  const thrall = '/profile/wow/character/area-52/thrall';

  before(async () => {
    sim = await startSimulator({ jwtSecretKey: JWT_SECRET });
    const response = await got.post(sim.env.BLIZZARD_OAUTH_URL as string, { username: 'simulated-client', password: 'simulated-secret', form: { grant_type: 'client_credentials' } }).json<{ access_token: string; token_type: string; expires_in: number; sub: string }>();
    expect(response).to.include({ token_type: 'bearer', expires_in: 86399, sub: 'simulated-client' });
    token = response.access_token;
  });
  after(async () => sim.close());
  beforeEach(() => {
    sim.resetFaults();
    sim.resetCounters();
  });

  describe('tokens', () => {
    it('refuses GET, wrong credentials and other grant types at the token endpoint', async () => {
      expect((await got(sim.env.BLIZZARD_OAUTH_URL as string, noRetry)).statusCode).to.equal(400);
      const wrong = await got.post(sim.env.BLIZZARD_OAUTH_URL as string, { ...noRetry, username: 'simulated-client', password: 'nope', form: { grant_type: 'client_credentials' } });
      expect(wrong.statusCode).to.equal(401);
      const grant = await got.post(sim.env.BLIZZARD_OAUTH_URL as string, { ...noRetry, username: 'simulated-client', password: 'simulated-secret', form: { grant_type: 'password' } });
      expect(grant.statusCode).to.equal(400);
      expect(sim.counters().blizzard).to.include({ tokenRequests: 3, requests: 0 });
    });

    it('accepts the token only as a Bearer header', async () => {
      expect((await request(thrall)).statusCode).to.equal(200);
      expect((await request(thrall, { token: null, query: { access_token: token } })).statusCode).to.equal(401);
      expect((await request(thrall, { token: 'USforged' })).statusCode).to.equal(401);
      expect((await request(thrall, { token: null })).statusCode).to.equal(401);
    });
  });

  describe('namespaces and paths', () => {
    it('needs the profile namespace of the region, as a query parameter or a header', async () => {
      expect((await request(thrall, { namespace: null })).statusCode).to.equal(404);
      expect((await request(thrall, { namespace: 'profile-eu' })).statusCode).to.equal(404);
      expect((await request(thrall, { namespace: 'static-us' })).statusCode).to.equal(404);
      expect((await request(thrall, { namespace: null, headers: { 'battlenet-namespace': 'profile-us' } })).statusCode).to.equal(200);
    });

    it('finds characters case-insensitively and by encoded UTF-8 names, and 404s the rest with the recorded body', async () => {
      expect((await request('/profile/wow/character/area-52/THRALL')).statusCode).to.equal(200);
      expect((await request('/profile/wow/character/bleeding-hollow/z%C3%BAlj%C3%ADn')).statusCode).to.equal(200);
      const missing = await request(`/profile/wow/character/bleeding-hollow/${sim.world.unknownCharacter.name.toLowerCase()}`);
      expect(missing.statusCode).to.equal(404);
      expect(JSON.parse(missing.body)).to.deep.equal({ code: 404, type: 'BLZWEBAPI00000404', detail: 'Not Found' });
      expect((await request('/profile/wow/character/area-52/thrall/nonsense')).statusCode).to.equal(404);
    });
  });

  describe('conditional requests', () => {
    it('sends Last-Modified and answers 304 to an If-Modified-Since at or after it, until the gear changes', async () => {
      const first = await request(`${thrall}/equipment`);
      const lastModified = first.headers['last-modified'] as string;
      expect(lastModified).to.match(/GMT$/);
      const same = await request(`${thrall}/equipment`, { headers: { 'if-modified-since': lastModified } });
      expect(same.statusCode).to.equal(304);
      expect(same.body).to.equal('');
      const older = new Date(Date.parse(lastModified) - 1000).toUTCString();
      expect((await request(`${thrall}/equipment`, { headers: { 'if-modified-since': older } })).statusCode).to.equal(200);

      sim.changeGear('us', 'area-52', 'Thrall');
      const changed = await request(`${thrall}/equipment`, { headers: { 'if-modified-since': lastModified } });
      expect(changed.statusCode).to.equal(200);
      expect(Date.parse(changed.headers['last-modified'] as string)).to.be.greaterThan(Date.parse(lastModified));
      expect(sim.counters().blizzard.notModified).to.equal(1);
    });
  });

  describe('quota', () => {
    it('answers exactly the 429s a per-second quota of 100 implies to a burst of 300', async () => {
      sim.setFaults({ perSecondQuota: 100 });
      await sleep(1000 - (Date.now() % 1000) + 20);
      const statuses = await Promise.all(Array.from({ length: 300 }, () => request(thrall).then((r) => r.statusCode)));
      const counters = sim.counters().blizzard;
      const tooMany = statuses.filter((s) => s === 429).length;
      const implied = Object.values(counters.perSecond).reduce((sum, n) => sum + Math.max(0, n - 100), 0);

      expect(counters.requests).to.equal(300);
      expect(statuses.filter((s) => s === 200).length + tooMany).to.equal(300);
      expect(tooMany).to.equal(implied);
      expect(counters.overQuota).to.equal(implied);
      expect(counters.rateLimited).to.equal(implied);
      // On a quiet machine the burst lands within a second or two (about 200 refusals); on a busy one it
      // spreads out. The exact count is what the equalities above check; this only says the quota was met.
      expect(tooMany).to.be.at.least(1);
      const secondsUsed = Object.keys(counters.perSecond).length;
      if (secondsUsed === 1) expect(tooMany).to.equal(200);
    });

    it('sends Retry-After on quota 429s only when told to, and the recorded 429 body', async () => {
      sim.setFaults({ perSecondQuota: 0 });
      const bare = await request(thrall);
      expect(bare.statusCode).to.equal(429);
      expect(bare.headers['retry-after']).to.equal(undefined);
      expect(JSON.parse(bare.body)).to.deep.equal({ code: 429, type: 'BLZWEBAPI00000429', detail: 'Too Many Requests' });
      sim.setFaults({ retryAfter: 2 });
      expect((await request(thrall)).headers['retry-after']).to.equal('2');
    });

    it('refuses everything for forceRateLimitMs, then recovers', async () => {
      sim.setFaults({ forceRateLimitMs: 300 });
      const refused = await request(thrall);
      expect(refused.statusCode).to.equal(429);
      expect(refused.headers['retry-after']).to.equal('1');
      await sleep(350);
      expect((await request(thrall)).statusCode).to.equal(200);
    });

    it('slows down, without refusing, beyond the hourly quota', async () => {
      sim.setFaults({ hourlyQuota: 2 });
      const timings: number[] = [];
      for (let i = 0; i < 4; i += 1) {
        const started = performance.now();
        expect((await request(thrall)).statusCode).to.equal(200);
        timings.push(performance.now() - started);
      }
      // Over the hourly quota every answer waits HOURLY_OVERAGE_DELAY_MS (250 ms) more; within it, none does.
      expect(Math.max(timings[0]!, timings[1]!), 'within the quota').to.be.below(HOURLY_OVERAGE_DELAY_MS - 10);
      expect(Math.min(timings[2]!, timings[3]!), 'beyond the quota').to.be.at.least(HOURLY_OVERAGE_DELAY_MS - 5);
    });
  });

  describe('faults', () => {
    it('answers 503 in an outage, 500 at the error rate, and adds latency', async () => {
      sim.setFaults({ outage: true });
      expect((await request(thrall)).statusCode).to.equal(503);
      sim.setFaults({ outage: false, errorRate: 1 });
      expect((await request(thrall)).statusCode).to.equal(500);
      sim.setFaults({ errorRate: 0, latencyMs: 200 });
      const started = performance.now();
      expect((await request(thrall)).statusCode).to.equal(200);
      expect(performance.now() - started).to.be.at.least(190);
    });

    it('can be driven over HTTP by other processes', async () => {
      const admin = `${sim.url}/__admin`;
      const faults = await got.put(`${admin}/faults`, { json: { outage: true, perSecondQuota: 50 } }).json<Record<string, unknown>>();
      expect(faults).to.include({ outage: true, perSecondQuota: 50 });
      expect((await request(thrall)).statusCode).to.equal(503);
      expect(await got(`${admin}/faults`).json()).to.include({ outage: true });
      const counters = await got(`${admin}/counters`).json<{ blizzard: { requests: number } }>();
      expect(counters.blizzard.requests).to.equal(1);
      await got.delete(`${admin}/counters`);
      expect((await got(`${admin}/counters`).json<{ blizzard: { requests: number } }>()).blizzard.requests).to.equal(0);
      await got.delete(`${admin}/faults`);
      expect(sim.faults().outage).to.equal(false);

      const rejected = await got.put(`${admin}/faults`, { ...noRetry, json: { outage: 'yes' } });
      expect(rejected.statusCode).to.equal(400);
      expect((await got.put(`${admin}/faults`, { ...noRetry, json: { latncyMs: 5 } })).statusCode).to.equal(400);
    });

    it('serves a world summary, user tokens and gear changes over HTTP', async () => {
      const admin = `${sim.url}/__admin`;
      const summary = await got(`${admin}/world`).json<{ guilds: Array<{ id: number }>; demo_users: Record<string, number> }>();
      expect(summary.guilds.map((g) => g.id)).to.deep.equal([1, 2, 3]);
      expect(summary.demo_users.guildMaster).to.equal(1001);
      const { access_token: userToken } = await got.post(`${admin}/tokens`, { json: { bnet_id: 1001 } }).json<{ access_token: string }>();
      expect(userToken.split('.')).to.have.length(3);
      const before = (await request(thrall)).headers['last-modified'];
      await got.post(`${admin}/change-gear`, { json: { region: 'us', realm: 'area-52', name: 'Thrall' } });
      expect((await request(thrall)).headers['last-modified']).to.not.equal(before);
      const loggedIn = await got.post(`${admin}/log-in`, { json: { region: 'us', realm: 'area-52', name: 'Thrall' } }).json<{ last_login: string }>();
      expect(Date.parse(loggedIn.last_login)).to.be.closeTo(Date.now(), 5000);
      const profile = JSON.parse((await request(thrall)).body) as { last_login_timestamp: number };
      expect(profile.last_login_timestamp).to.equal(Date.parse(loggedIn.last_login));
    });

    it('answers 200 with a body of the wrong shape when malformed', async () => {
      sim.setFaults({ malformed: true });
      const response = await request(thrall);
      expect(response.statusCode).to.equal(200);
      expect(JSON.parse(response.body)).to.include({ id: 'not-a-number' });
    });
  });
});
