import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { suiteStack } from '../../helpers/stack.js';
import { TEST_JWT_SECRET } from '../../helpers/test-env.js';
import { forgeries } from '../../security/jwt-forge.js';
import { bearer, call, expectError } from './helpers.js';

const GUARDED_PATHS = [
  '/guilds/1/progress/characters',
  '/guilds/1/progress/character/Gallyboss?realm=bleeding-hollow',
  '/guilds/1/progress/members',
  '/guilds/1/progress/message',
  '/guilds/1/progress/message/history',
  '/guilds/1/progress/roadmap',
  '/guilds/1/progress/comparisons',
];

describe('authentication and permissions', function () {
  const suite = suiteStack({ api: true, worker: false });

  it('answers 401 "Not authenticated" on every guarded route without a token', async () => {
    for (const path of GUARDED_PATHS) {
      expectError(await call(`${suite.url}${path}`), 401, 'not_authenticated', 'Not authenticated');
    }
    expectError(await call(`${suite.url}/guilds/1/progress/message`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"message":"x"}' }), 401, 'not_authenticated');
  });

  it('refuses every forged, expired, refresh or malformed token with 401, by header and by cookie', async () => {
    const path = `${suite.url}/guilds/1/progress/roadmap`;
    const huge = jwt.sign({ bnet_id: 1003, type: 'access', padding: 'x'.repeat(9 * 1024) }, TEST_JWT_SECRET, { algorithm: 'HS256', expiresIn: 900 });
    const tokens = [...forgeries(1003).filter((f) => f.token.length < 12 * 1024), { name: 'token over 8 KB', token: huge }];
    for (const { name, token } of tokens) {
      const byHeader = await call(path, { headers: bearer(token) });
      expect(byHeader.status, `${name} (header)`).to.equal(401);
      // Only a genuine access token past its expiry is worth refreshing; every other one means logging in again.
      const code = name === 'expired' ? 'token_expired' : 'token_invalid';
      expect(byHeader.body, name).to.deep.equal({ error: 'Not authenticated', code });
      const byCookie = await call(path, { headers: { cookie: `access_token=${token}` } });
      expect(byCookie.status, `${name} (cookie)`).to.equal(401);
      expect(byCookie.body, `${name} (cookie)`).to.deep.equal({ error: 'Not authenticated', code });
    }
    expectError(await call(path, { headers: { authorization: 'Basic YWRtaW46YWRtaW4=' } }), 401, 'token_invalid', 'Not authenticated');
    expectError(await call(path, { headers: { cookie: 'theme=dark' } }), 401, 'not_authenticated', 'Not authenticated');
  });

  it('accepts a genuine access token from the Authorization header or the access_token cookie', async () => {
    const token = suite.stack.sim.tokenFor(suite.stack.sim.world.demoUsers.member);
    expect((await call(`${suite.url}/guilds/1/progress/roadmap`, { headers: bearer(token) })).status).to.equal(200);
    expect((await call(`${suite.url}/guilds/1/progress/roadmap`, { headers: { cookie: `theme=dark; access_token=${token}` } })).status).to.equal(200);
  });

  it('answers 403 "Access denied" to a user who is not a member of the guild', async () => {
    const outsider = suite.stack.sim.tokenFor(suite.stack.sim.world.demoUsers.otherGuildMember);
    for (const path of ['/guilds/1/progress/characters', '/guilds/1/progress/roadmap', '/guilds/1/progress/message']) {
      expectError(await call(`${suite.url}${path}`, { headers: bearer(outsider) }), 403, 'forbidden', 'Access denied');
    }
    expectError(await call(`${suite.url}/guilds/424242/progress/roadmap`, { headers: bearer(outsider) }), 403, 'forbidden', 'Access denied');
  });

  it("answers 403 to a member whose rank guild-api's tool setting excludes", async () => {
    const guild = 2;
    suite.stack.sim.setProgressAccess(guild, 1);
    try {
      const member = suite.stack.sim.tokenFor(suite.stack.sim.world.demoUsers.otherGuildMember);
      expectError(await call(`${suite.url}/guilds/${guild}/progress/roadmap`, { headers: bearer(member) }), 403, 'forbidden', 'Access denied');
    } finally {
      suite.stack.sim.setProgressAccess(guild, null);
    }
  });

  it('caches a decision briefly, serves it while guild-api is down, and answers 503 with nothing cached', async () => {
    const officer = suite.stack.sim.tokenFor(suite.stack.sim.world.demoUsers.officer);
    const roadmap = () => call(`${suite.url}/guilds/1/progress/roadmap`, { headers: bearer(officer) });
    expect((await roadmap()).status).to.equal(200);
    const checks = () => suite.stack.sim.counters().guildApi.byPath['/guilds/1/permissions/check'] ?? 0;
    const before = checks();
    expect((await roadmap()).status).to.equal(200);
    expect(checks()).to.equal(before);

    suite.stack.sim.setFaults({ guildApiDown: true });
    try {
      expect((await roadmap()).status).to.equal(200);
      const stranger = suite.stack.sim.tokenFor(suite.stack.sim.world.demoUsers.guildMaster);
      expectError(await call(`${suite.url}/guilds/2/progress/roadmap`, { headers: bearer(stranger) }), 503, 'guild_api_unavailable');
    } finally {
      suite.stack.sim.resetFaults();
    }
  });
});
