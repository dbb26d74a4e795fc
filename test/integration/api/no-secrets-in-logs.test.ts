import { expect } from 'chai';
import { startApi, type RunningApi } from '../../../src/api/server.js';
import { LogCapture, leaksOf } from '../../helpers/log-capture.js';
import { startStack, type Stack } from '../../helpers/stack.js';
import { TEST_JWT_SECRET, TEST_WEBHOOK_SECRET, testConfig } from '../../helpers/test-env.js';
import { deliver, signedDelivery } from '../../security/webhook-sign.js';
import { bearer, call } from './helpers.js';

describe('the api never logs tokens, cookies or secrets', function () {
  let stack: Stack;
  let api: RunningApi;
  const logs = new LogCapture();

  before(async () => {
    stack = await startStack();
    api = await startApi(testConfig({ ...stack.env, LOG_LEVEL: 'trace' }), logs.logger('trace', 'api'), 0, '127.0.0.1');
  });
  after(async () => {
    await api?.close();
    await stack?.close();
  });

  it('at trace level, through successes, refusals and upstream failures', async () => {
    const { guildMaster, member } = stack.sim.world.demoUsers;
    const gmToken = stack.sim.tokenFor(guildMaster);
    const memberToken = stack.sim.tokenFor(member);
    const url = api.url;
    await call(`${url}/guilds/1/progress/characters`, { headers: bearer(gmToken) });
    await call(`${url}/guilds/1/progress/character/Gallyboss?realm=bleeding-hollow`, { headers: { cookie: `access_token=${memberToken}` } });
    await call(`${url}/guilds/1/progress/members?format=csv`, { headers: bearer(gmToken) });
    await call(`${url}/guilds/1/progress/message`, { method: 'PUT', headers: { ...bearer(gmToken), 'content-type': 'application/json' }, body: '{"message":"hi"}' });
    await call(`${url}/guilds/1/progress/members`, { headers: bearer(memberToken) });
    await call(`${url}/guilds/1/progress/roadmap`, { headers: bearer(`${memberToken}x`) });
    stack.sim.setFaults({ guildApiDown: true, outage: true });
    await call(`${url}/guilds/2/progress/roadmap`, { headers: bearer(memberToken) });
    stack.sim.resetFaults();
    const delivery = signedDelivery({ id: `log-${Date.now()}`, type: 'guild.roster_changed', guild_id: 1, occurred_at: new Date().toISOString(), data: {} });
    await deliver(url, delivery);
    await deliver(url, { ...delivery, rawBody: `${delivery.rawBody} ` });
    const basic = Buffer.from('operator:dashboard-password').toString('base64');
    await call(`${url}/admin/queues/api/queues`, { headers: { authorization: `Basic ${basic}` } });

    expect(logs.lines().length).to.be.greaterThan(10);
    const leaks = leaksOf(logs.lines(), {
      gmToken,
      memberToken,
      signature: delivery.signature.slice('sha256='.length),
      dashboardPassword: 'dashboard-password',
      jwtSecret: TEST_JWT_SECRET,
      webhookSecret: TEST_WEBHOOK_SECRET,
    });
    expect(leaks).to.deep.equal([]);
  });
});
