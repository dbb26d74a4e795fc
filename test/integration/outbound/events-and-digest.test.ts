import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { ManualClock } from '../../../src/clock.js';
import { DISCORD_LIMITS, embedsLength, type DiscordEmbed } from '../../../src/outbound/discord.js';
import { resetDigestJob } from '../../../src/queue/outbound.js';
import { JOBS } from '../../../src/queue/registry.js';
import { findGuild } from '../../../src/sim/index.js';
import { checkResets, sendResetDigest } from '../../../src/worker/reset-digests.js';
import { startWorker, type RunningWorker } from '../../../src/worker/runtime.js';
import { startStack, type Stack } from '../../helpers/stack.js';
import { createMigratedDatabase, dropDatabase, TEST_WEBHOOK_SECRET, testRun } from '../../helpers/test-env.js';
import { sql as query } from '../../helpers/sql.js';
import { expectedItemLevel, finished, waitFor, waitForIdle } from '../../helpers/worker.js';
import { LogCapture } from '../../helpers/log-capture.js';
import { bearer, call, isolatedGuild, metric } from '../api/helpers.js';

interface Received {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A receiver on loopback standing in for an event endpoint and for Discord; each path answers what the test says. */
async function startReceiver() {
  const received: Received[] = [];
  const statusOf = new Map<string, number[]>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '';
      received.push({ path, headers: req.headers, body: Buffer.concat(chunks) });
      const queued = statusOf.get(path);
      const status = queued && queued.length > 1 ? (queued.shift() as number) : (queued?.[0] ?? 204);
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    received,
    /** The statuses a path answers in turn; the last one then holds. */
    answer: (path: string, ...statuses: number[]) => statusOf.set(path, statuses),
    on: (path: string) => received.filter((r) => r.path === path),
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** The parts of a multipart/form-data body, by name. */
function multipartParts(r: Received): Map<string, { headers: string; content: Buffer }> {
  const boundary = /boundary=([^;]+)/.exec(String(r.headers['content-type']))?.[1] as string;
  const parts = new Map<string, { headers: string; content: Buffer }>();
  const text = r.body.toString('latin1');
  for (const chunk of text.split(`--${boundary}`).slice(1, -1)) {
    const [headers, ...rest] = chunk.replace(/^\r\n/, '').split('\r\n\r\n');
    const content = Buffer.from(rest.join('\r\n\r\n').replace(/\r\n$/, ''), 'latin1');
    parts.set(/name="([^"]+)"/.exec(headers as string)?.[1] as string, { headers: headers as string, content });
  }
  return parts;
}

const RESET = Date.parse('2026-12-08T15:00:00Z');

describe('signed change events and the Discord reset digest, against a local receiver', function () {
  this.timeout(60_000);
  const databaseName = `${testRun.databaseName}_outbound`;
  // Fourteen: the Guild Master and three officers with their alts fill at most twelve places, so plain members exist.
  const guildSpec = isolatedGuild(14, 'us');
  const clock = new ManualClock(RESET - 3 * 3600_000);
  let stack: Stack;
  let url: string;
  let databaseUrl: string;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let second: RunningWorker;
  const sql = <T extends Record<string, unknown>>(text: string, params: unknown[] = []) => query<T>(text, params, databaseUrl);
  // Every line the api and both workers log, at trace level, to show no secret ever reaches one.
  const logs = new LogCapture();
  const secretsShown: string[] = [];

  const guild = () => findGuild(stack.sim.world, guildSpec.id)!;
  const gm = () => guild().members.find((m) => m.rankId === 0)!.bnetId;
  const officer = () => {
    const best = (bnetId: number) => Math.min(...guild().members.filter((m) => m.bnetId === bnetId).map((m) => m.rankId));
    return guild().members.find((m) => best(m.bnetId) === 1)!.bnetId;
  };
  const member = () => guild().members.find((m) => m.rankId >= 3)!.bnetId;
  const api = (path: string, bnetId: number, init: { method?: string; body?: unknown } = {}) =>
    call(`${url}/guilds/${guildSpec.id}/progress/${path}`, {
      method: init.method ?? 'GET',
      headers: { ...bearer(stack.sim.tokenFor(bnetId)), ...(init.body !== undefined && { 'content-type': 'application/json' }) },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
  const putMessage = (text: string) => api('message', gm(), { method: 'PUT', body: { message: text } });
  const endpoints = 'integrations/events/endpoints';
  const register = async (path: string, eventTypes: string[]) => {
    const reply = await api(endpoints, officer(), { method: 'POST', body: { url: `${receiver.base}${path}`, event_types: eventTypes } });
    expect(reply.status, reply.text).to.equal(201);
    secretsShown.push(reply.body.secret);
    return reply.body as { id: number; secret: string };
  };
  const deliveriesOf = async (endpointId: number) => (await api(`${endpoints}/${endpointId}/deliveries`, officer())).body.deliveries;
  const isSignedBy = (secret: string, r: Received) =>
    r.headers['x-webhook-signature'] === `sha256=${createHmac('sha256', secret).update(`${String(r.headers['x-webhook-timestamp'])}.`).update(r.body).digest('hex')}`;

  before(async () => {
    receiver = await startReceiver();
    databaseUrl = await createMigratedDatabase(databaseName);
    stack = await startStack({
      api: true,
      clock,
      env: { DATABASE_URL: databaseUrl, CHARACTER_CACHE_TTL: String(30 * 86400) },
      simulator: { seed: 11, world: { guilds: [guildSpec], demo: false } },
      logger: logs.logger('trace'),
    });
    url = stack.api!.url;
    // A second replica of the worker, on the outbound queue only.
    second = await startWorker(stack.config, logs.logger('trace'), { port: 0, schedule: false, clock, queues: ['outbound'] });
    expect((await api('members', officer())).status).to.equal(200);
    await waitForIdle(stack.queues, 30_000);
  });
  after(async () => {
    await second?.close();
    await stack?.close();
    await receiver?.close();
    await dropDatabase(databaseName);
  });

  it('lets officers register an endpoint (the secret shown once) and refuses members and unsafe URLs', async () => {
    const created = await register('/events', ['message.updated', 'digest.weekly', 'character.fell_behind']);
    expect(created.secret).to.match(/^whsec_[\w-]{43}$/);
    const listed = await api(endpoints, gm());
    expect(listed.status).to.equal(200);
    expect(listed.body.endpoints).to.have.length(1);
    expect(listed.text).to.not.include(created.secret);
    expect(listed.body.endpoints[0]).to.include({ id: created.id, enabled: true, url: `${receiver.base}/events` });

    expect((await api(endpoints, member(), { method: 'POST', body: { url: `${receiver.base}/x`, event_types: ['member.left'] } })).status).to.equal(403);
    for (const unsafe of ['https://10.0.0.1/hook', 'https://169.254.169.254/latest/meta-data', 'https://[fd00:ec2::254]/', 'http://192.168.1.20/hook', 'ftp://example.com/x']) {
      const refused = await api(endpoints, officer(), { method: 'POST', body: { url: unsafe, event_types: ['member.left'] } });
      expect(refused.status, unsafe).to.equal(422);
      expect(refused.body.details[0]).to.include({ field: 'url', in: 'body' });
    }
    const badType = await api(endpoints, officer(), { method: 'POST', body: { url: `${receiver.base}/x`, event_types: ['member.promoted'] } });
    expect(badType.status).to.be.oneOf([400, 422]);
    expect((await api(endpoints, gm())).body.endpoints).to.have.length(1);
  });

  it('signs every delivery like guild-api signs its webhooks, with a unique id, and retries a 500 with the same id', async () => {
    const { id, secret } = await register('/retry', ['message.updated']);
    receiver.answer('/retry', 500, 200);
    expect((await putMessage('Raid at 8')).status).to.equal(200);
    // First attempt: 500, the delivery stays pending with its retry waiting in BullMQ's backoff.
    await waitFor(async () => (await deliveriesOf(id))[0]?.attempts === 1 || undefined, 15_000, 'the first attempt');
    expect((await deliveriesOf(id))[0]).to.include({ status: 'pending', attempts: 1, last_status_code: 500 });
    const delayed = await stack.queues.outbound.getDelayed();
    expect(delayed).to.have.length(1);
    await delayed[0]!.promote();
    await waitFor(async () => (await deliveriesOf(id))[0]?.status === 'delivered' || undefined, 15_000, 'the retry');
    expect((await deliveriesOf(id))[0]).to.include({ event_type: 'message.updated', status: 'delivered', attempts: 2, last_status_code: 200 });

    const attempts = receiver.on('/retry');
    expect(attempts).to.have.length(2);
    const bodies = attempts.map((r) => JSON.parse(r.body.toString()) as { id: string; type: string; guild_id: number; data: { gm_message: string } });
    expect(bodies[0]!.id).to.match(/^evt_[0-9a-f]{32}$/);
    expect(bodies[1]!.id).to.equal(bodies[0]!.id);
    expect(bodies[0]).to.deep.include({ type: 'message.updated', guild_id: guildSpec.id });
    expect(bodies[0]!.data.gm_message).to.equal('Raid at 8');
    for (const r of attempts) {
      expect(isSignedBy(secret, r), 'signature').to.equal(true);
      expect(r.headers['x-webhook-id']).to.equal(bodies[0]!.id);
      expect(Math.abs(Number(r.headers['x-webhook-timestamp']) - Date.now() / 1000)).to.be.below(300);
    }
    // Every delivery to the first endpoint is signed with its own secret, and a second event has a new id.
    await waitFor(async () => receiver.on('/events').length >= 1 || undefined, 15_000, 'the first endpoint');
    const other = receiver.on('/events')[0]!;
    expect(isSignedBy(secret, other)).to.equal(false);
    expect(JSON.parse(other.body.toString()).id).to.equal(bodies[0]!.id);
  });

  it('disables an endpoint whose deliveries have failed for a day, saying why', async () => {
    const { id } = await register('/down', ['message.updated']);
    receiver.answer('/down', 500);
    await putMessage('first failure');
    await waitFor(async () => (await deliveriesOf(id))[0]?.attempts === 1 || undefined, 15_000, 'the first failure');
    const listed = (await api(endpoints, officer())).body.endpoints.find((e: { id: number }) => e.id === id);
    expect(listed).to.include({ enabled: true });
    expect(listed.failing_since).to.equal(clock.now().toISOString());

    clock.advance(25 * 3600_000);
    await putMessage('a day later');
    await waitFor(async () => (await api(endpoints, officer())).body.endpoints.find((e: { id: number; enabled: boolean }) => e.id === id && !e.enabled), 15_000, 'the endpoint disabled');
    const disabled = (await api(endpoints, officer())).body.endpoints.find((e: { id: number }) => e.id === id);
    expect(disabled.disabled_reason).to.match(/^every delivery failed since \S+Z; last: HTTP 500$/);
    expect((await deliveriesOf(id))[0]).to.include({ status: 'failed', last_status_code: 500 });
    // Nothing more is sent to it; an officer can enable it again.
    const sentBefore = receiver.on('/down').length;
    await putMessage('while disabled');
    const reached = (r: Received) => JSON.parse(r.body.toString()).data.gm_message === 'while disabled';
    await waitFor(async () => receiver.on('/events').some(reached) || undefined, 15_000, 'the enabled endpoint reached');
    expect((await deliveriesOf(id))[0]).to.include({ status: 'failed' });
    expect(receiver.on('/down').length).to.equal(sentBefore);
    const enabled = await api(`${endpoints}/${id}/enable`, officer(), { method: 'POST' });
    expect(enabled.body).to.include({ enabled: true, disabled_reason: null, failing_since: null });
    await api(`${endpoints}/${id}`, officer(), { method: 'DELETE' });
    clock.set(RESET - 3600_000);
  });

  it('posts exactly one digest per reset with two worker replicas, one restarted in between', async () => {
    const hook = `${receiver.base}/api/webhooks/42/token-abc`;
    const set = await api('integrations/discord', officer(), { method: 'PUT', body: { url: hook } });
    expect(set.status, set.text).to.equal(200);
    expect(set.body).to.include({ configured: true });
    expect(set.text).to.not.include('token-abc');
    expect((await api('integrations/discord', member(), { method: 'PUT', body: { url: hook } })).status).to.equal(403);
    await putMessage('Vault first, then crests @everyone');

    // Before the reset nothing is due.
    expect(await checkResets(stack.worker!.ctx)).to.equal(0);
    clock.set(RESET + 30_000);
    // Both replicas notice the reset at once and queue the same job.
    const queued = await Promise.all([checkResets(stack.worker!.ctx), checkResets(second.ctx)]);
    expect(queued.reduce((a, b) => a + b)).to.be.within(1, 2);
    const digestPath = '/api/webhooks/42/token-abc';
    await waitFor(async () => (await sql<{ status: string }>('select status from reset_digests where guild_id = $1', [guildSpec.id]))[0]?.status === 'sent' || undefined, 20_000, 'the digest sent');
    expect(receiver.on(digestPath)).to.have.length(1);

    // The second replica restarts; every path that could send again finds the reset done.
    await second.close();
    second = await startWorker(stack.config, logs.logger('trace'), { port: 0, schedule: false, clock, queues: ['outbound'] });
    expect(await checkResets(second.ctx)).to.equal(0);
    expect(await checkResets(stack.worker!.ctx)).to.equal(0);
    const payload = { guildId: guildSpec.id, resetAt: new Date(RESET).toISOString() };
    // Queueing the reset's job again hands back the finished one: its id is the guild and the reset.
    const again = await resetDigestJob.enqueue(stack.queues, payload);
    expect(await again.getState()).to.equal('completed');
    const direct = await Promise.all([sendResetDigest(second.ctx, payload), sendResetDigest(stack.worker!.ctx, payload)]);
    expect(direct.map((d) => d.status)).to.deep.equal(['already_sent', 'already_sent']);
    expect(receiver.on(digestPath)).to.have.length(1);
    const rows = await sql<{ status: string; week: number }>('select status, week from reset_digests where guild_id = $1', [guildSpec.id]);
    expect(rows).to.have.length(1);

    // The message: embeds within Discord's limits and the roster chart as files[0].
    const parts = multipartParts(receiver.on(digestPath)[0]!);
    const payloadJson = JSON.parse(parts.get('payload_json')!.content.toString('utf8')) as { embeds: DiscordEmbed[]; allowed_mentions: unknown; attachments: unknown };
    expect(payloadJson.allowed_mentions).to.deep.equal({ parse: [] });
    expect(payloadJson.embeds.length).to.be.within(1, DISCORD_LIMITS.embeds);
    expect(embedsLength(payloadJson.embeds)).to.be.at.most(DISCORD_LIMITS.total);
    const [main, message] = payloadJson.embeds;
    expect(main!.title).to.match(new RegExp(`week ${rows[0]!.week}, target \\d+`));
    expect(main!.fields!.map((f) => f.name)).to.include.members(['On track', 'Behind', 'Unknown', 'Biggest gains last week']);
    const counted = ['On track', 'Behind', 'Unknown'].reduce((sum, name) => sum + Number(main!.fields!.find((f) => f.name === name)!.value), 0);
    expect(counted + Number(main!.fields!.find((f) => f.name.startsWith('Levelling'))?.value ?? 0)).to.equal(guildSpec.members);
    expect(main!.image).to.deep.equal({ url: 'attachment://roster.png' });
    expect(message!.description).to.include('Vault first, then crests @everyone');
    const png = parts.get('files[0]')!;
    expect(png.headers).to.include('filename="roster.png"');
    expect(png.content.subarray(0, 8).toString('hex')).to.equal('89504e470d0a1a0a');

    // The reset's digest event went out once to the endpoint that asked for it, signed.
    await waitFor(async () => receiver.on('/events').some((r) => JSON.parse(r.body.toString()).type === 'digest.weekly') || undefined, 15_000, 'the digest event');
    const digestEvents = receiver.on('/events').map((r) => JSON.parse(r.body.toString())).filter((b) => b.type === 'digest.weekly');
    expect(digestEvents).to.have.length(1);
    expect(digestEvents[0].data).to.include({ week: rows[0]!.week });
  });

  it('posts a sample digest now on request, and only for officers', async () => {
    const before = receiver.on('/api/webhooks/42/token-abc').length;
    const reply = await api('integrations/discord/test', officer(), { method: 'POST' });
    expect(reply.status, reply.text).to.equal(200);
    expect(reply.body).to.deep.equal({ delivered: true, status: 204, error: null });
    const sent = receiver.on('/api/webhooks/42/token-abc');
    expect(sent).to.have.length(before + 1);
    const payloadJson = JSON.parse(multipartParts(sent.at(-1)!).get('payload_json')!.content.toString('utf8'));
    expect(payloadJson.embeds[0].title).to.include('(sample)');
    expect((await api('integrations/discord/test', member(), { method: 'POST' })).status).to.equal(403);
    expect((await api('integrations/discord', officer(), { method: 'DELETE' })).status).to.equal(204);
    expect((await api('integrations/discord/test', officer(), { method: 'POST' })).status).to.equal(404);
  });

  it('tells an endpoint when a member leaves and when a refresh lifts a character to its target, once each', async () => {
    const { id: people, secret } = await register('/people', ['member.left', 'character.target_met']);
    const eventsAt = (type: string) => receiver.on('/people').filter((r) => JSON.parse(r.body.toString()).type === type);

    const leaver = guild().members.find((m) => m.rankId >= 3)!;
    const occurredAt = new Date(Math.max(Date.now(), clock.now().getTime()) + 60_000).toISOString();
    const left = { type: 'member.left', guild_id: guildSpec.id, occurred_at: occurredAt, data: { character_name: leaver.characterName, bnet_id: leaver.bnetId } };
    const accepted = await stack.sim.sendWebhook(`${url}/webhooks/guild-api`, TEST_WEBHOOK_SECRET, left as never);
    expect(accepted.status).to.equal(202);
    await waitFor(async () => eventsAt('member.left').length > 0 || undefined, 15_000, 'member.left');
    const [leftEvent] = eventsAt('member.left');
    expect(isSignedBy(secret, leftEvent!)).to.equal(true);
    expect(JSON.parse(leftEvent!.body.toString()).data).to.include({ character_name: leaver.characterName, realm: guildSpec.realm, bnet_id: leaver.bnetId });

    // A member below a target set just above it, whose next refresh brings it to that target.
    const rows = await sql<{ character_name: string; item_level: number }>(
      `select character_name, item_level from guild_memberships
       where guild_id = $1 and left_at is null and item_level is not null and lower(character_name) <> lower($2) order by character_name`,
      [guildSpec.id, leaver.characterName],
    );
    // The first whose gear change raises its item level: gear already at the top of its track cannot rise.
    let row: (typeof rows)[number] | undefined;
    let lifted = 0;
    for (const candidate of rows) {
      lifted = expectedItemLevel(stack.sim.changeGear('us', guildSpec.realm, candidate.character_name));
      if (lifted > candidate.item_level) {
        row = candidate;
        break;
      }
    }
    expect(row, 'a member whose gear can still rise').to.not.equal(undefined);
    const roadmap = await api('roadmap', gm());
    const weeks = roadmap.body.weeks
      .filter((w: { week: number }) => w.week >= 1)
      .map((w: { is_current: boolean; target_ilvl: number }) => (w.is_current ? { ...w, target_ilvl: lifted, ilvl_target: lifted } : w));
    expect(weeks.some((w: { is_current: boolean }) => w.is_current)).to.equal(true);
    expect((await api('roadmap', gm(), { method: 'PUT', body: { expansion_id: 12, weeks } })).status).to.equal(200);

    const refresh = () => JOBS.characterRefresh.enqueue(stack.queues, { region: 'us', realm: guildSpec.realm, name: row!.character_name, reason: 'manual', guildId: guildSpec.id });
    await refresh();
    await waitFor(async () => eventsAt('character.target_met').length > 0 || undefined, 15_000, 'character.target_met');
    const met = JSON.parse(eventsAt('character.target_met')[0]!.body.toString());
    expect(met.data).to.deep.include({ character_name: row!.character_name, item_level: lifted, previous_item_level: row!.item_level, target_ilvl: lifted });
    // A second refresh at the same level is no crossing.
    // Deliveries are recorded before the refresh job completes, so the log is complete once it has.
    await finished(stack.queues.characterRefresh, await refresh(), 15_000);
    const recorded = (await deliveriesOf(people)).filter((d: { event_type: string }) => d.event_type === 'character.target_met');
    expect(recorded).to.have.length(1);
  });

  it("counts the workers' deliveries by kind and outcome for Prometheus", async () => {
    // Summed over both workers (either may take a job); the second's counts start again at its restart.
    const count = async (labels: Record<string, string>) =>
      (await metric(stack.worker!.url, 'progress_outbound_deliveries_total', labels)) + (await metric(second.url, 'progress_outbound_deliveries_total', labels));
    // At least member.left and character.target_met, delivered after the restart.
    expect(await count({ kind: 'event', outcome: 'delivered' })).to.be.at.least(2);
    expect(await count({ kind: 'discord', outcome: 'delivered' })).to.be.at.most(1);
    expect(await count({ kind: 'discord', outcome: 'failed' })).to.equal(0);
  });

  it('never logs an endpoint secret or the Discord webhook token', () => {
    const text = logs.lines().join('\n');
    expect(logs.lines().length).to.be.above(100);
    expect(secretsShown.length).to.be.at.least(4);
    for (const secret of secretsShown) expect(text).to.not.include(secret);
    expect(text).to.not.include('token-abc');
  });
});
