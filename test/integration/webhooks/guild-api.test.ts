import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { findGuild, type SimGuild } from '../../../src/sim/index.js';
import { startStack, type Stack } from '../../helpers/stack.js';
import { TEST_WEBHOOK_SECRET } from '../../helpers/test-env.js';
import { pendingJobs, sql, waitFor, waitForIdle } from '../../helpers/worker.js';
import { fingerprint } from '../../security/db-state.js';
import { deliver, signature, signedDelivery, unixNow } from '../../security/webhook-sign.js';
import { bearer, call, expectError, isolatedGuild } from '../api/helpers.js';

describe('POST /webhooks/guild-api', function () {
  let stack: Stack;
  let url: string;
  let guild: SimGuild;
  let busyGuild: SimGuild;
  const specs = [isolatedGuild(10), isolatedGuild(6)];
  const bestRank = (g: SimGuild, bnetId: number) => Math.min(...g.members.filter((m) => m.bnetId === bnetId).map((m) => m.rankId));
  const overview = (g: SimGuild, bnetId: number) => call(`${url}/guilds/${g.id}/progress/members?limit=1000`, { headers: bearer(stack.sim.tokenFor(bnetId)) });
  const event = (type: string, g: SimGuild, data: Record<string, unknown>) => ({ id: randomUUID(), type, guild_id: g.id, occurred_at: new Date().toISOString(), data });
  const send = (e: ReturnType<typeof event>) => stack.sim.sendWebhook(`${url}/webhooks/guild-api`, TEST_WEBHOOK_SECRET, e);
  const gmOf = (g: SimGuild) => g.members.find((m) => m.rankId === 0)!.bnetId;

  before(async () => {
    stack = await startStack({ api: true, simulator: { seed: 9001, world: { demo: false, guilds: specs } } });
    url = stack.api!.url;
    guild = findGuild(stack.sim.world, specs[0]!.id)!;
    busyGuild = findGuild(stack.sim.world, specs[1]!.id)!;
    // Reading a guild makes it tracked; the worker ignores events about guilds nobody has opened.
    for (const g of [guild, busyGuild]) expect((await overview(g, gmOf(g))).status).to.equal(200);
    await waitForIdle(stack.queues);
  });
  after(async () => {
    await stack?.close();
  });

  describe('refusals change nothing', () => {
    type Detail = { field: string; in: string; message: string };
    const refusals: Array<{ name: string; status: number; code: string; request: () => { rawBody: string; timestamp: string; signature: string }; details?: Detail[] }> = [
      { name: 'forged signature (another secret)', status: 401, code: 'invalid_signature', request: () => signedDelivery(event('guild.roster_changed', guild, {}), { secret: 'not-the-secret' }) },
      { name: 'stale timestamp (10 minutes old, correctly signed)', status: 401, code: 'stale_timestamp', request: () => signedDelivery(event('guild.roster_changed', guild, {}), { timestamp: unixNow() - 600 }) },
      { name: 'timestamp from the future', status: 401, code: 'stale_timestamp', request: () => signedDelivery(event('guild.roster_changed', guild, {}), { timestamp: unixNow() + 600 }) },
      {
        name: 'body altered after signing',
        status: 401,
        code: 'invalid_signature',
        request: () => {
          const signed = signedDelivery(event('member.left', guild, { character_name: guild.members[3]!.characterName, bnet_id: guild.members[3]!.bnetId }));
          return { ...signed, rawBody: signed.rawBody.replace(String(guild.id), String(busyGuild.id)) };
        },
      },
      { name: 'signature without the sha256= prefix', status: 401, code: 'invalid_signature', request: () => { const s = signedDelivery(event('guild.roster_changed', guild, {})); return { ...s, signature: s.signature.slice(7) }; } },
      { name: 'missing signature', status: 401, code: 'invalid_signature', request: () => ({ ...signedDelivery(event('guild.roster_changed', guild, {})), signature: '' }) },
      {
        name: 'unknown event type', status: 422, code: 'validation_failed', request: () => signedDelivery(event('guild.deleted', guild, {})),
        details: [{ field: 'type', in: 'body', message: 'must be one of member.joined, member.left, member.rank_changed, guild.roster_changed, user.characters_changed' }],
      },
      {
        name: 'member event without its data', status: 422, code: 'validation_failed', request: () => signedDelivery(event('member.left', guild, {})),
        details: [{ field: 'data.character_name', in: 'body', message: 'is required' }, { field: 'data.bnet_id', in: 'body', message: 'is required' }],
      },
      {
        // A value in the wrong field (here something that looks like a credential) is named by its field, never repeated.
        name: 'member.joined with mistyped fields', status: 422, code: 'validation_failed',
        request: () => signedDelivery(event('member.joined', guild, { character_name: 'Thrall', bnet_id: 'sk_live_not_for_logs', rank_id: null, rank_name: 'Raider' })),
        details: [{ field: 'data.bnet_id', in: 'body', message: 'must be a number' }, { field: 'data.rank_id', in: 'body', message: 'must be a number, not null' }],
      },
      {
        name: 'malformed JSON, correctly signed',
        status: 422,
        code: 'validation_failed',
        request: () => { const timestamp = String(unixNow()); const rawBody = '{"id": "x", '; return { rawBody, timestamp, signature: signature(timestamp, rawBody) }; },
      },
      {
        // PostgreSQL keeps no NUL in text: refused by field, not a 503 from a failed insert.
        name: 'a NUL character in a member name', status: 422, code: 'validation_failed',
        request: () => signedDelivery(event('member.left', guild, { character_name: 'Thr\u0000all', bnet_id: 1 })),
        details: [{ field: 'data.character_name', in: 'body', message: 'must not contain NUL characters' }],
      },
      {
        name: 'a NUL character in data the event type does not define', status: 422, code: 'validation_failed',
        request: () => signedDelivery(event('guild.roster_changed', guild, { note: 'a\u0000b' })),
        details: [{ field: 'data.note', in: 'body', message: 'must not contain NUL characters' }],
      },
      {
        name: 'a NUL character in the event id', status: 422, code: 'validation_failed',
        request: () => signedDelivery({ ...event('guild.roster_changed', guild, {}), id: 'evt\u00001' }),
        details: [{ field: 'id', in: 'body', message: 'must not contain NUL characters' }],
      },
      {
        name: 'guild id not a number', status: 422, code: 'validation_failed', request: () => signedDelivery({ ...event('guild.roster_changed', guild, {}), guild_id: 'one' }),
        details: [{ field: 'guild_id', in: 'body', message: 'must be a number' }],
      },
    ];

    for (const r of refusals) {
      it(`${r.name} → ${r.status}`, async () => {
        const before = await fingerprint();
        const jobsBefore = await pendingJobs(stack.queues.membershipEvents);
        const reply = await deliver(url, r.request());
        const text = await reply.text();
        const body = JSON.parse(text) as { code: string; error: string; details?: Detail[] };
        expect(reply.status).to.equal(r.status);
        expect(body.code).to.equal(r.code);
        if (r.details) {
          expect(body.details).to.deep.equal(r.details);
          for (const d of r.details) expect(body.error).to.include(d.field);
        }
        expect(text).to.not.include('sk_live');
        expect(await fingerprint()).to.deep.equal(before);
        expect(await pendingJobs(stack.queues.membershipEvents)).to.equal(jobsBefore);
      });
    }

    it('refuses every webhook with 503 webhooks_disabled while no secret is configured', async () => {
      const bare = await startStack({ api: true, worker: false, env: { WEBHOOK_SECRET: '' } });
      try {
        const reply = await deliver(bare.api!.url, signedDelivery(event('guild.roster_changed', guild, {})));
        expect(reply.status).to.equal(503);
        expect(((await reply.json()) as { code: string }).code).to.equal('webhooks_disabled');
      } finally {
        await bare.close();
      }
    });
  });

  it('accepts a replayed id with 202 and changes nothing the second time', async () => {
    const e = event('guild.roster_changed', busyGuild, {});
    const first = await send(e);
    expect(first).to.deep.equal({ status: 202, body: { accepted: true } });
    await waitForIdle(stack.queues);
    const before = await fingerprint();
    const counts = await stack.queues.membershipEvents.getJobCounts('completed', 'waiting', 'active');
    expect(await send(e)).to.deep.equal({ status: 202, body: { accepted: true } });
    expect(await send({ ...e, occurred_at: new Date().toISOString() })).to.deep.equal({ status: 202, body: { accepted: true } });
    await waitForIdle(stack.queues);
    expect(await stack.queues.membershipEvents.getJobCounts('completed', 'waiting', 'active')).to.deep.equal(counts);
    expect(await fingerprint()).to.deep.equal(before);
    expect(await sql('select count(*)::int as n from processed_webhook_events where id = $1', [e.id])).to.deep.equal([{ n: 1 }]);
  });

  it('after member.left the overview no longer lists the character', async () => {
    // The generated ranks vary with the guild's id, so take the lowest-ranked member that is not the GM's.
    const leaver = [...guild.members].filter((m) => m.bnetId !== gmOf(guild)).sort((a, b) => b.rankId - a.rankId)[0]!;
    const officer = gmOf(guild);
    expect((await overview(guild, officer)).body.members.map((m: { character_name: string }) => m.character_name)).to.include(leaver.characterName);
    stack.sim.removeMember(guild.id, leaver.characterName);
    expect((await send(event('member.left', guild, { character_name: leaver.characterName, bnet_id: leaver.bnetId }))).status).to.equal(202);
    await waitForIdle(stack.queues);
    const after = await overview(guild, officer);
    expect(after.body.members.map((m: { character_name: string }) => m.character_name)).to.not.include(leaver.characterName);
    const view = await call(`${url}/guilds/${guild.id}/progress/character/${encodeURIComponent(leaver.characterName)}?realm=${leaver.realmSlug}`, {
      headers: bearer(stack.sim.tokenFor(officer)),
    });
    expectError(view, 404, 'character_not_found');
  });

  it('after member.rank_changed from Officer to member the next overview request is 403', async () => {
    const officer = guild.members.find((m) => m.rankId === 1 && bestRank(guild, m.bnetId) === 1)!;
    expect((await overview(guild, officer.bnetId)).status).to.equal(200);
    for (const m of guild.members.filter((x) => x.bnetId === officer.bnetId)) stack.sim.setRank(guild.id, m.characterName, 3);
    const reply = await send(event('member.rank_changed', guild, { character_name: officer.characterName, bnet_id: officer.bnetId, old_rank_id: 1, rank_id: 3, rank_name: 'Raider' }));
    expect(reply.status).to.equal(202);
    expectError(await overview(guild, officer.bnetId), 403, 'insufficient_rank', 'Access denied - Officer rank required');
  });

  it("after member.joined the member's progress row exists once the refresh completes", async () => {
    const bnetId = 880_000 + (process.pid % 1000);
    const joined = stack.sim.addMember(guild.id, { characterName: 'Newcomer', bnetId, rankId: 4 });
    const reply = await send(event('member.joined', guild, { character_name: 'Newcomer', bnet_id: bnetId, rank_id: 4, rank_name: 'Trial' }));
    expect(reply.status).to.equal(202);
    const rows = await waitFor(async () => {
      const found = await sql<{ fetch_status: string; item_level: number }>(
        `select p.fetch_status, p.item_level from characters c join character_progress p on p.character_id = c.id
          where c.realm_slug = $1 and c.name_key = 'newcomer'`,
        [guild.realm.slug],
      );
      return found[0]?.fetch_status === 'ok' ? found : undefined;
    }, 15_000, 'the new member to be fetched');
    expect(rows[0]!.item_level).to.be.a('number');
    const mine = await call(`${url}/guilds/${guild.id}/progress/characters`, { headers: bearer(stack.sim.tokenFor(bnetId)) });
    expect(mine.body.characters.map((c: { character_name: string }) => c.character_name)).to.deep.equal([joined.name]);
  });

  it('turns 50 roster_changed webhooks for one guild into one guild sync', async () => {
    const rosterPath = (p: string) => p.endsWith('/roster') && p.includes(busyGuild.realm.slug);
    const rosterCalls = () => Object.entries(stack.sim.counters().blizzard.byPath).filter(([p]) => rosterPath(p)).reduce((n, [, c]) => n + c, 0);
    await waitForIdle(stack.queues);
    const before = rosterCalls();
    const replies = await Promise.all(Array.from({ length: 50 }, () => send(event('guild.roster_changed', busyGuild, {}))));
    expect(replies.every((r) => r.status === 202)).to.equal(true);
    await waitForIdle(stack.queues);
    expect(rosterCalls() - before).to.equal(1);
  });
});
