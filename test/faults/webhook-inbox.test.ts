import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { INBOX_DRAIN_SCHEDULER_ID } from '../../src/queue/inbox-event.js';
import { SYNC_ALL_SCHEDULER_ID, syncAllTrackedJob } from '../../src/queue/guild-sync.js';
import { findGuild, type SimGuild, type SimMembership as SimMember } from '../../src/sim/index.js';
import { startWorker, type RunningWorker } from '../../src/worker/runtime.js';
import { LogCapture } from '../helpers/log-capture.js';
import { startPrivateRedis, type PrivateRedis } from '../helpers/redis-server.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { TEST_WEBHOOK_SECRET, testLogger } from '../helpers/test-env.js';
import { pendingJobs, sql, waitFor, waitForIdle } from '../helpers/worker.js';
import { bearer, call, ownGuild } from './support.js';

/**
 * Accepted webhook events live in PostgreSQL (the inbox) before they are answered 202; Redis only carries
 * "apply event N". These tests run against a private redis-server without persistence that they kill, so a
 * restart comes back empty, as after a crash, a failover or a FLUSHALL.
 */
describe('fault: webhook events survive a Redis that loses its data', function () {
  this.timeout(90_000);
  const spec = ownGuild(20, 'Deep Ledger');
  let redis: PrivateRedis;
  let stack: Stack;
  let guild: SimGuild;
  let worker: RunningWorker | undefined;
  let apiUrl: string;
  let others: SimMember[];
  const logs = new LogCapture();

  const leave = (m: SimMember, id: string = randomUUID()) => ({
    id,
    type: 'member.left' as const,
    guild_id: spec.id,
    occurred_at: new Date().toISOString(),
    data: { character_name: m.characterName, realm: m.realmSlug, bnet_id: m.bnetId },
  });
  const send = (event: ReturnType<typeof leave>, path = '/webhooks/guild-api') => stack.sim.sendWebhook(`${apiUrl}${path}`, TEST_WEBHOOK_SECRET, event);
  const stillMembers = async (members: SimMember[]) => {
    const rows = await sql<{ character_name: string }>(
      `select c.name as character_name from guild_memberships gm join characters c on c.id = gm.character_id
       where gm.guild_id = $1 and gm.left_at is null`,
      [spec.id],
    );
    const current = new Set(rows.map((r) => r.character_name));
    return members.filter((m) => current.has(m.characterName)).map((m) => m.characterName);
  };
  const inboxStates = async (ids: string[]) =>
    (await sql<{ state: string }>('select state from processed_webhook_events where id = any($1)', [ids])).map((r) => r.state);

  before(async () => {
    redis = await startPrivateRedis();
    stack = await startStack({
      api: true,
      worker: false,
      simulator: { seed: spec.id, world: { demo: false, guilds: [spec] } },
      env: { REDIS_URL: redis.url, GUILD_SYNC_INTERVAL: '3', INBOX_DRAIN_INTERVAL: '2', SCHEDULE_CHECK_INTERVAL: '1' },
    });
    apiUrl = stack.api!.url;
    guild = findGuild(stack.sim.world, spec.id)!;
    const gm = guild.members.find((m) => m.rankId === 0)!;
    others = guild.members.filter((m) => m.bnetId !== gm.bnetId);
    // A worker without the periodic jobs syncs the guild once, so every member is in the projection.
    worker = await startWorker(stack.config, testLogger(), { port: 0, schedule: false });
    expect((await call(`${apiUrl}/guilds/${spec.id}/progress/members`, { headers: bearer(stack.sim.tokenFor(gm.bnetId)) })).status).to.equal(200);
    await waitForIdle(stack.queues, 30_000);
    expect(await stillMembers(others)).to.have.length(others.length);
  });
  after(async () => {
    await worker?.close();
    await stack?.close();
    await redis?.stop();
  });

  it('applies events whose ids differ only in punctuation, or hold ":", "/", spaces or 200 characters, each once, however the path is spelled', async () => {
    const run = randomUUID().slice(0, 8);
    const ids = [`${run}a.1`, `${run}a-1`, `${run}:evt:1`, `${run}/evt/1`, `${run} evt 1`, `${run}${'x'.repeat(192)}`];
    expect(ids.at(-1)).to.have.length(200);
    const leavers = others.slice(0, ids.length);
    // Routes match case-insensitively: the last one goes to the webhook spelled in capitals, whose body must still
    // reach the signature check unparsed.
    for (const [i, id] of ids.entries()) {
      const path = i === ids.length - 1 ? '/WEBHOOKS/Guild-Api' : '/webhooks/guild-api';
      expect(await send(leave(leavers[i]!, id), path)).to.deep.equal({ status: 202, body: { accepted: true } });
    }
    await waitFor(async () => (await stillMembers(leavers)).length === 0, 15_000, 'every leaver applied');
    await waitFor(async () => (await inboxStates(ids)).every((state) => state === 'done'), 5000, 'the inbox rows done');
    const stored = await sql<{ id: string; state: string }>('select id, state from processed_webhook_events where id = any($1) order by seq', [ids]);
    expect(stored, 'ids are stored exactly as sent').to.deep.equal(ids.map((id) => ({ id, state: 'done' })));
  });

  it('applies all of 10 events accepted while the worker was down, after Redis restarted empty, within 30 s', async () => {
    await worker?.close();
    worker = undefined;
    const leavers = others.slice(6, 16);
    const events = leavers.map((m) => leave(m));
    for (const e of events) expect((await send(e)).status).to.equal(202);
    expect(await pendingJobs(stack.queues.membershipEvents)).to.equal(10);
    expect(await inboxStates(events.map((e) => e.id))).to.deep.equal(Array(10).fill('pending'));

    await redis.kill();
    await redis.start();
    expect(await redis.size(), 'the restarted Redis holds nothing').to.equal(0);

    const started = Date.now();
    worker = await startWorker(stack.config, logs.logger('info'), { port: 0, queues: ['membershipEvents'] });
    await waitFor(async () => (await stillMembers(leavers)).length === 0, 30_000, 'all 10 leavers applied');
    const elapsed = Date.now() - started;
    expect(elapsed).to.be.below(30_000);
    await waitFor(async () => (await inboxStates(events.map((e) => e.id))).every((state) => state === 'done'), 5000, 'the inbox rows done');
    console.log(`      10 events applied ${elapsed} ms after the worker started on an empty Redis`);
  });

  it('re-creates the periodic jobs while running, and accepts an event while Redis is down, after Redis restarted empty', async () => {
    // The worker of the previous test runs; only the membership events have a processor, so the periodic sync's
    // job stays in its queue where the test can see it.
    expect(worker, 'worker running').to.not.equal(undefined);
    const leaver = others[16]!;
    await redis.kill();
    // Accepted while Redis is down: it is in the inbox, which the periodic drain empties once Redis is back.
    const event = leave(leaver);
    expect(await send(event)).to.deep.equal({ status: 202, body: { accepted: true } });
    expect(await inboxStates([event.id])).to.deep.equal(['pending']);
    const restarted = Date.now();
    await redis.start();

    // The scheduler's next run sits in the queue as a delayed job, as it did before Redis lost it.
    const syncJob = await waitFor(
      async () => (await stack.queues.guildSync.getJobs(['delayed', 'waiting', 'active', 'completed'])).find((j) => j.name === syncAllTrackedJob.name),
      60_000,
      'a periodic guild sync after the restart',
    );
    expect(syncJob.timestamp).to.be.at.least(restarted);
    await waitFor(async () => logs.lines().some((l) => l.includes('periodic jobs scheduled')), 5000, 'the worker saying it re-created them');
    expect(await stack.queues.guildSync.getJobScheduler(SYNC_ALL_SCHEDULER_ID)).to.not.equal(undefined);
    expect(await stack.queues.membershipEvents.getJobScheduler(INBOX_DRAIN_SCHEDULER_ID)).to.not.equal(undefined);
    await waitFor(async () => (await stillMembers([leaver])).length === 0, 30_000, 'the event accepted while Redis was down');
    console.log(`      periodic sync back ${Date.now() - restarted} ms after Redis restarted`);
  });
});
