import { expect } from 'chai';
import type { RunningApi } from '../../../src/api/server.js';
import { startTestApi } from '../../helpers/api.js';
import { startStack, type Stack } from '../../helpers/stack.js';
import { bearer, call, expectError } from './helpers.js';

const basic = (user: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });

describe('/admin/queues (bull-board behind basic auth)', function () {
  let api: RunningApi;
  before(async () => {
    api = await startTestApi();
  });
  after(async () => {
    await api?.close();
  });

  it('serves the dashboard and its API with the configured credentials', async () => {
    const page = await call(`${api.url}/admin/queues`, { headers: basic('operator', 'dashboard-password') });
    expect(page.status).to.equal(200);
    expect(page.headers.get('content-type')).to.match(/text\/html/);
    const queues = await call(`${api.url}/admin/queues/api/queues`, { headers: basic('operator', 'dashboard-password') });
    expect(queues.status).to.equal(200);
    expect(queues.body.queues.map((q: { name: string }) => q.name).sort()).to.deep.equal(['character-refresh', 'guild-comparison', 'guild-sync', 'membership-events']);
    expect(queues.body.queues.every((q: { readOnlyMode: boolean }) => q.readOnlyMode)).to.equal(true);
  });

  it('answers 401 with WWW-Authenticate without credentials or with wrong ones', async () => {
    for (const headers of [{}, basic('operator', 'wrong'), basic('admin', 'dashboard-password'), { authorization: 'Bearer x' }]) {
      for (const path of ['/admin/queues', '/admin/queues/api/queues', '/admin/queues/static/x.js']) {
        const reply = await call(`${api.url}${path}`, { headers });
        expectError(reply, 401, 'not_authenticated');
        expect(reply.headers.get('www-authenticate')).to.match(/^Basic realm=/);
      }
    }
  });

  it('is not mounted at all without configured credentials', async () => {
    const bare = await startTestApi({ QUEUE_DASHBOARD_USER: '', QUEUE_DASHBOARD_PASSWORD: '' });
    try {
      expectError(await call(`${bare.url}/admin/queues`, { headers: basic('operator', 'dashboard-password') }), 404, 'not_found');
    } finally {
      await bare.close();
    }
  });
});

describe('rate limiting', function () {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ api: true, worker: false, env: { RATE_LIMIT_PER_MINUTE: '5' } });
  });
  after(async () => {
    await stack?.close();
  });

  it('answers 429 with Retry-After once a user spends the minute’s budget, per user', async () => {
    const url = stack.api!.url;
    const member = bearer(stack.sim.tokenFor(stack.sim.world.demoUsers.member));
    for (let i = 0; i < 5; i += 1) expect((await call(`${url}/guilds/1/progress/roadmap`, { headers: member })).status).to.equal(200);
    const limited = await call(`${url}/guilds/1/progress/roadmap`, { headers: member });
    expectError(limited, 429, 'rate_limited', 'Too many requests, slow down');
    expect(Number(limited.headers.get('retry-after'))).to.be.within(1, 60);
    const officer = bearer(stack.sim.tokenFor(stack.sim.world.demoUsers.officer));
    expect((await call(`${url}/guilds/1/progress/roadmap`, { headers: officer })).status).to.equal(200);
  });

  it('limits anonymous callers per IP and never limits health, readiness, metrics or webhooks', async () => {
    const url = stack.api!.url;
    const statuses = [];
    for (let i = 0; i < 7; i += 1) statuses.push((await call(`${url}/guilds/1/progress/roadmap`)).status);
    expect(statuses.slice(0, 5)).to.deep.equal([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).to.deep.equal([429, 429]);
    for (const path of ['/health', '/ready', '/metrics']) expect((await call(`${url}${path}`)).status).to.equal(200);
    const webhook = await call(`${url}/webhooks/guild-api`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(webhook.status).to.equal(401);
  });
});
