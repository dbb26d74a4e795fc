import { createHmac, randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { Redis } from 'ioredis';
import { Keys } from '../../src/redis.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { REDIS_URL } from '../helpers/test-env.js';
import { sql as query } from '../helpers/sql.js';
import { fingerprint } from './db-state.js';
import { accessToken } from './jwt-forge.js';
import { deliver, signature, signedDelivery, unixNow, type WebhookRequest } from './webhook-sign.js';

/**
 * An attacker who can reach the endpoint but does not hold WEBHOOK_SECRET: every variation of a genuine
 * delivery they can make must be refused before it drops a cache, enqueues a job or writes a row.
 */
describe('webhook signatures against an attacker', () => {
  let stack: Stack;
  let url: string;
  let redis: Redis;
  let keys: Keys;
  const officer = 1002;

  const memberLeft = () => ({
    id: randomUUID(),
    type: 'member.left',
    guild_id: 1,
    occurred_at: new Date().toISOString(),
    data: { character_name: 'Sprocketta', bnet_id: officer },
  });

  /** Everything a webhook could change: rows, queued events, and the officer's cached permission. */
  async function state() {
    const jobs = await stack.queues.membershipEvents.getJobCounts('waiting', 'active', 'completed', 'failed', 'delayed', 'prioritized');
    return {
      db: await fingerprint(),
      jobs,
      permissionCached: await redis.exists(keys.permission(1, officer)),
      snapshotCached: await redis.exists(keys.guildApiSnapshot(1)),
    };
  }

  before(async () => {
    stack = await startStack({ api: true, worker: false });
    url = stack.api!.url;
    redis = new Redis(REDIS_URL);
    keys = new Keys(stack.config.redisPrefix);
  });
  beforeEach(async () => {
    // The officer's permission and guild 1's snapshot are cached: a forged member.left would drop both.
    const res = await fetch(`${url}/guilds/1/progress/roadmap`, { headers: { authorization: `Bearer ${accessToken(officer)}` } });
    await res.body?.cancel();
    expect(res.status).to.equal(200);
  });
  after(async () => {
    redis?.disconnect();
    await stack?.close();
  });

  const hmac = (key: string, text: string, algorithm = 'sha256') => createHmac(algorithm, key).update(text).digest('hex');
  const attacks: Array<{ name: string; forge: (genuine: WebhookRequest) => WebhookRequest; code: string }> = [
    { name: 'signed with a guessed secret', code: 'invalid_signature', forge: (g) => ({ ...g, signature: `sha256=${hmac('secret', `${g.timestamp}.${g.rawBody}`)}` }) },
    { name: 'a byte of the body changed', code: 'invalid_signature', forge: (g) => ({ ...g, rawBody: g.rawBody.replace('Sprocketta', 'Sprocketto') }) },
    { name: 'whitespace added (same JSON, other bytes)', code: 'invalid_signature', forge: (g) => ({ ...g, rawBody: `${g.rawBody} ` }) },
    { name: 'keys reordered (same JSON, other bytes)', code: 'invalid_signature', forge: (g) => ({ ...g, rawBody: JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(g.rawBody) as object).reverse())) }) },
    { name: 'timestamp moved, signature kept', code: 'invalid_signature', forge: (g) => ({ ...g, timestamp: String(Number(g.timestamp) + 1) }) },
    { name: 'signature over the body alone (no timestamp)', code: 'invalid_signature', forge: (g) => ({ ...g, signature: `sha256=${hmac('x', g.rawBody)}` }) },
    { name: 'SHA-1 HMAC with the right prefix', code: 'invalid_signature', forge: (g) => ({ ...g, signature: `sha256=${hmac('x', `${g.timestamp}.${g.rawBody}`, 'sha1')}` }) },
    { name: 'signature truncated', code: 'invalid_signature', forge: (g) => ({ ...g, signature: g.signature.slice(0, 40) }) },
    { name: 'signature padded', code: 'invalid_signature', forge: (g) => ({ ...g, signature: `${g.signature}00` }) },
    { name: 'all-zero signature', code: 'invalid_signature', forge: (g) => ({ ...g, signature: `sha256=${'0'.repeat(64)}` }) },
    { name: 'empty signature', code: 'invalid_signature', forge: (g) => ({ ...g, signature: '' }) },
    { name: 'timestamp not a number', code: 'invalid_signature', forge: (g) => ({ ...g, timestamp: `${g.timestamp}abc` }) },
    { name: 'genuine but 6 minutes old', code: 'stale_timestamp', forge: (g) => signedDelivery(JSON.parse(g.rawBody), { timestamp: unixNow() - 360 }) },
    { name: 'genuine but 6 minutes ahead', code: 'stale_timestamp', forge: (g) => signedDelivery(JSON.parse(g.rawBody), { timestamp: unixNow() + 360 }) },
  ];

  for (const attack of attacks) {
    it(`refuses ${attack.name} with 401 and changes nothing`, async () => {
      const before = await state();
      expect(before.permissionCached).to.equal(1);
      const reply = await deliver(url, attack.forge(signedDelivery(memberLeft())));
      expect(reply.status).to.equal(401);
      const body = (await reply.json()) as Record<string, unknown>;
      expect(body.code).to.equal(attack.code);
      expect(body.error).to.be.a('string');
      expect(await state()).to.deep.equal(before);
    });
  }

  it('refuses the signature header sent twice (one forged, one genuine)', async () => {
    const before = await state();
    const genuine = signedDelivery(memberLeft());
    const headers = new Headers({ 'content-type': 'application/json', 'x-webhook-timestamp': genuine.timestamp });
    headers.append('x-webhook-signature', `sha256=${'1'.repeat(64)}`);
    headers.append('x-webhook-signature', genuine.signature);
    const reply = await fetch(`${url}/webhooks/guild-api`, { method: 'POST', headers, body: genuine.rawBody });
    await reply.body?.cancel();
    expect(reply.status).to.equal(401);
    expect(await state()).to.deep.equal(before);
  });

  it('refuses an unsigned body of 1 MB without reading it into anything (413 or 401, never 5xx)', async () => {
    const before = await state();
    const rawBody = JSON.stringify({ ...memberLeft(), padding: 'x'.repeat(1024 * 1024) });
    const reply = await deliver(url, { rawBody, timestamp: String(unixNow()), signature: `sha256=${'a'.repeat(64)}` });
    await reply.body?.cancel();
    expect(reply.status).to.be.oneOf([401, 413]);
    expect(await state()).to.deep.equal(before);
  });

  it('answers a replay of a captured delivery with 202 and applies it once', async () => {
    const event = memberLeft();
    const captured = signedDelivery(event);
    const first = await deliver(url, captured);
    expect(first.status).to.equal(202);
    const afterFirst = await state();
    expect(afterFirst.permissionCached, 'the genuine event dropped the cached permission').to.equal(0);

    // The attacker replays the exact bytes, then re-signs nothing (they cannot): only the same request again.
    for (let i = 0; i < 5; i += 1) {
      const again = await deliver(url, captured);
      expect(again.status).to.equal(202);
      expect(await again.json()).to.deep.equal({ accepted: true });
    }
    expect(await state()).to.deep.equal(afterFirst);
    expect(await query('select count(*)::int as n from processed_webhook_events where id = $1', [event.id])).to.deep.equal([{ n: 1 }]);
    const jobs = await stack.queues.membershipEvents.getJobs(['waiting', 'active', 'completed', 'prioritized', 'delayed']);
    const [stored] = await query<{ seq: string }>('select seq from processed_webhook_events where id = $1', [event.id]);
    expect(jobs.filter((j) => (j.data as { seq?: number }).seq === Number(stored?.seq))).to.have.length(1);
  });

  it('refuses a captured delivery replayed after the five-minute window, even though its id is new to us', async () => {
    const before = await state();
    const event = memberLeft();
    const timestamp = unixNow() - 301;
    const rawBody = JSON.stringify(event);
    const reply = await deliver(url, { rawBody, timestamp: String(timestamp), signature: signature(String(timestamp), rawBody) });
    expect(reply.status).to.equal(401);
    expect(((await reply.json()) as { code: string }).code).to.equal('stale_timestamp');
    expect(await state()).to.deep.equal(before);
  });
});
