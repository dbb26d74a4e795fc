import { expect } from 'chai';
import { Worker, type Job } from 'bullmq';
import type { RunningApi } from '../../../src/api/server.js';
import { createRedis, queuePrefix } from '../../../src/redis.js';
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
    expect(queues.body.queues.map((q: { name: string }) => q.name).sort()).to.deep.equal(['character-refresh', 'guild-comparison', 'guild-sync', 'membership-events', 'outbound']);
    expect(queues.body.queues.every((q: { readOnlyMode: boolean; allowRetries: boolean }) => !q.readOnlyMode && q.allowRetries)).to.equal(true);
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

describe('/admin/queues: retrying and removing failed jobs', function () {
  let stack: Stack;
  const operator = basic('operator', 'dashboard-password');
  const queue = () => stack.queues.guildComparison;
  const board = (path: string, init: RequestInit = {}) => call(`${stack.api!.url}/admin/queues/api/queues/${queue().name}${path}`, init);

  /** A job of the queue that has failed, as a worker would leave it (no worker runs in this stack). */
  async function failedJob(label: string): Promise<Job> {
    const connection = createRedis(stack.config.redisUrl, 'worker');
    const worker = new Worker(queue().name, null, { connection, prefix: queuePrefix(stack.config.redisPrefix, queue().name), autorun: false });
    try {
      await queue().add('dashboard-test', { label }, { jobId: `dashboard-${label}-${Date.now()}`, attempts: 1 });
      const taken = (await worker.getNextJob('test-token')) as Job;
      await taken.moveToFailed(new Error(`boom ${label}`), 'test-token', true);
      // The same job through the producers' connection, which outlives the worker's.
      const job = (await queue().getJob(taken.id!)) as Job;
      expect(await job.getState()).to.equal('failed');
      return job;
    } finally {
      await worker.close();
      connection.disconnect();
    }
  }

  before(async () => {
    stack = await startStack({ api: true, worker: false });
  });
  after(async () => {
    await stack?.close();
  });

  it('retries a failed job through the dashboard API with the credentials, and refuses without them', async () => {
    const job = await failedJob('retry');
    for (const headers of [{}, basic('operator', 'wrong')]) {
      expectError(await board(`/${job.id}/retry`, { method: 'PUT', headers }), 401, 'not_authenticated');
    }
    expect(await job.getState()).to.equal('failed');
    const retried = await board(`/${job.id}/retry`, { method: 'PUT', headers: operator });
    expect(retried.status, retried.text).to.equal(204);
    expect(await job.getState()).to.equal('waiting');
    // A job that is not failed (any more) is not the dashboard's to retry or remove.
    expectError(await board(`/${job.id}/retry`, { method: 'PUT', headers: operator }), 409, 'job_not_failed');
    expectError(await board(`/${job.id}/clean`, { method: 'PUT', headers: operator }), 409, 'job_not_failed');
    expectError(await board('/no-such-job/retry', { method: 'PUT', headers: operator }), 404, 'job_not_found');
    expectError(await board('/%E0%A4%A/retry', { method: 'PUT', headers: operator }), 404, 'job_not_found');
    await job.remove();
  });

  it('removes a failed job, and refuses every other change', async () => {
    const job = await failedJob('remove');
    expectError(await board(`/${job.id}/clean`, { method: 'PUT' }), 401, 'not_authenticated');
    const removed = await board(`/${job.id}/clean`, { method: 'PUT', headers: operator });
    expect(removed.status, removed.text).to.equal(204);
    expect(await queue().getJob(job.id!)).to.equal(undefined);
    for (const [method, path] of [['PUT', '/pause'], ['PUT', '/empty'], ['PUT', '/clean/completed'], ['PUT', '/retry/completed'], ['DELETE', '/obliterate'], ['POST', '/add']]) {
      expectError(await board(path!, { method, headers: operator }), 403, 'dashboard_read_only');
    }
    expect(await queue().isPaused()).to.equal(false);
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
