import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { startApi, type RunningApi } from '../../src/api/server.js';
import { characterPath } from '../../src/upstream/blizzard/paths.js';
import { findGuild, type SimGuild } from '../../src/sim/index.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { testConfig, testLogger } from '../helpers/test-env.js';
import { sql, waitForIdle } from '../helpers/worker.js';
import { sql as query } from '../helpers/sql.js';
import { deliver, signedDelivery } from '../security/webhook-sign.js';
import { bearer, call, ownGuild } from './support.js';

/**
 * Duplicates are normal in production: guild-api redelivers webhooks, users hammer refresh, several api replicas
 * see the same miss. Each must have one effect and cost one Battle.net fetch.
 */
describe('fault: duplicated deliveries and stampedes', function () {
  this.timeout(60_000);
  const spec = ownGuild(6, 'Echo Chamber');
  let stack: Stack;
  let second: RunningApi;
  let guild: SimGuild;
  let gm: number;

  /** Battle.net calls for one character: its profile and its equipment. */
  const fetchesOf = (name: string) => {
    const base = `/blizzard/us${characterPath(spec.realm, name)}`;
    const byPath = stack.sim.counters().blizzard.byPath;
    return { profile: byPath[base] ?? 0, equipment: byPath[`${base}/equipment`] ?? 0 };
  };
  const membershipsOf = (name: string) =>
    sql<{ n: string }>(
      `select count(*) as n from guild_memberships gm join characters c on c.id = gm.character_id
       where gm.guild_id = $1 and c.name_key = lower($2) and gm.left_at is null`,
      [spec.id, name],
    );

  before(async () => {
    stack = await startStack({ api: true, simulator: { seed: spec.id, world: { demo: false, guilds: [spec] } } });
    // A second replica on the same Redis and database, as behind a load balancer.
    second = await startApi(testConfig({ ...stack.env }), testLogger(), 0, '127.0.0.1');
    guild = findGuild(stack.sim.world, spec.id)!;
    gm = guild.members.find((m) => m.rankId === 0)!.bnetId;
    expect((await call(`${stack.api!.url}/guilds/${spec.id}/progress/members`, { headers: bearer(stack.sim.tokenFor(gm)) })).status).to.equal(200);
    await waitForIdle(stack.queues, 30_000);
  });
  after(async () => {
    await second?.close();
    await stack?.close();
  });

  it('applies a member.joined webhook delivered 10 times (5 at once, 5 after) once, with one Battle.net fetch', async () => {
    const newcomer = stack.sim.addMember(spec.id, { characterName: 'Echoborn', bnetId: 9200, rankId: 4 }, { alsoBattleNet: true });
    stack.sim.resetCounters();
    const event = {
      id: randomUUID(),
      type: 'member.joined',
      guild_id: spec.id,
      occurred_at: new Date().toISOString(),
      data: { character_name: newcomer.name, bnet_id: 9200, rank_id: 4, rank_name: 'Member' },
    };
    const apis = [stack.api!.url, second.url];
    const burst = await Promise.all(Array.from({ length: 5 }, (_, i) => deliver(apis[i % 2] as string, signedDelivery(event))));
    for (const reply of burst) expect(reply.status).to.equal(202);
    await waitForIdle(stack.queues, 20_000);
    for (let i = 0; i < 5; i += 1) {
      const reply = await deliver(apis[i % 2] as string, signedDelivery(event));
      expect(reply.status).to.equal(202);
      expect(await reply.json()).to.deep.equal({ accepted: true });
    }
    await waitForIdle(stack.queues, 20_000);

    expect(await sql('select count(*)::int as n from processed_webhook_events where id = $1', [event.id])).to.deep.equal([{ n: 1 }]);
    const jobs = await stack.queues.membershipEvents.getJobs(['completed', 'failed', 'waiting', 'active', 'delayed']);
    const [stored] = await sql<{ seq: string }>('select seq from processed_webhook_events where id = $1', [event.id]);
    expect(jobs.filter((j) => (j.data as { seq?: number }).seq === Number(stored?.seq))).to.have.length(1);
    expect((await membershipsOf(newcomer.name))[0]?.n).to.equal('1');
    expect(fetchesOf(newcomer.name)).to.deep.equal({ profile: 1, equipment: 1 });
  });

  it('turns 100 simultaneous reads of a never-fetched character, over two replicas, into one refresh and one fetch', async () => {
    const newcomer = stack.sim.addMember(spec.id, { characterName: 'Stampede', bnetId: gm, rankId: 4 }, { alsoBattleNet: true });
    // Both replicas learn of the newcomer from guild-api on their next read.
    await stack.api!.deps.redis.unlink(stack.api!.deps.keys.guildApiSnapshot(spec.id));
    stack.sim.resetCounters();
    const jobsBefore = (await stack.queues.characterRefresh.getJobCounts('completed')).completed ?? 0;
    const token = stack.sim.tokenFor(gm);
    const path = `/guilds/${spec.id}/progress/character/${newcomer.name}?realm=${spec.realm}`;
    const replies = await Promise.all(
      Array.from({ length: 100 }, (_, i) => call(`${i % 2 ? second.url : stack.api!.url}${path}`, { headers: bearer(token) })),
    );
    const statuses = replies.map((r) => r.status);
    expect(statuses.filter((s) => s !== 200), 'every reader got the character').to.deep.equal([]);
    const levels = new Set(replies.map((r) => r.body.character.current_ilvl));
    expect(levels.size, 'everyone saw the same data').to.equal(1);
    await waitForIdle(stack.queues, 20_000);
    expect(fetchesOf(newcomer.name), 'Battle.net calls for the character').to.deep.equal({ profile: 1, equipment: 1 });
    const jobsAfter = (await stack.queues.characterRefresh.getJobCounts('completed')).completed ?? 0;
    expect(jobsAfter - jobsBefore, 'refresh jobs run').to.equal(1);
  });

  it('turns 100 simultaneous refresh requests for one stale character into one fetch', async () => {
    const member = guild.members.find((m) => m.bnetId === gm)!;
    // Make the stored row old without touching anything else about it.
    await query(
      `update character_progress set fetched_at = now() - interval '2 hours' where character_id =
         (select id from characters where region = 'us' and realm_slug = $1 and name_key = lower($2))`,
      [spec.realm, member.characterName],
    );
    await stack.api!.deps.redis.unlink(stack.api!.deps.keys.guildResponses(spec.id));
    stack.sim.changeGear('us', member.realmSlug, member.characterName);
    stack.sim.resetCounters();
    const token = stack.sim.tokenFor(gm);
    const path = `/guilds/${spec.id}/progress/character/${encodeURIComponent(member.characterName)}?realm=${spec.realm}`;
    const replies = await Promise.all(Array.from({ length: 100 }, (_, i) => call(`${i % 2 ? second.url : stack.api!.url}${path}`, { headers: bearer(token) })));
    expect(replies.filter((r) => r.status !== 200)).to.deep.equal([]);
    for (const r of replies) if (r.body.character.stale === false) expect(r.body.character.fetched_at).to.be.a('string');
    await waitForIdle(stack.queues, 20_000);
    expect(fetchesOf(member.characterName)).to.deep.equal({ profile: 1, equipment: 1 });
  });
});
