import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { syncAllTrackedJob, guildSyncJob } from '../../../src/queue/guild-sync.js';
import { findGuild, type SimGuild } from '../../../src/sim/index.js';
import { startStack, type Stack } from '../../helpers/stack.js';
import { TEST_WEBHOOK_SECRET } from '../../helpers/test-env.js';
import { guildRefOf, waitForIdle } from '../../helpers/worker.js';
import { bearer, call, isolatedGuild } from './helpers.js';

describe('guild-api is the only authority on membership', function () {
  this.timeout(90_000);
  let stack: Stack;
  let url: string;
  let guild: SimGuild;
  const spec = isolatedGuild(12);
  const gm = () => guild.members.find((m) => m.rankId === 0)!.bnetId;
  const send = (type: string, data: Record<string, unknown>) =>
    stack.sim.sendWebhook(`${url}/webhooks/guild-api`, TEST_WEBHOOK_SECRET, { id: randomUUID(), type, guild_id: guild.id, occurred_at: new Date().toISOString(), data });
  const overview = async () => {
    const reply = await call(`${url}/guilds/${guild.id}/progress/members?limit=1000`, { headers: bearer(stack.sim.tokenFor(gm())) });
    expect(reply.status, reply.text.slice(0, 200)).to.equal(200);
    return (reply.body.members as Array<{ character_name: string; rank_id: number }>).map((m) => `${m.character_name}:${m.rank_id}`).sort();
  };
  const guildApiMembers = () => guild.members.map((m) => `${m.characterName}:${m.rankId}`).sort();

  before(async () => {
    stack = await startStack({ api: true, simulator: { seed: spec.id, world: { demo: false, guilds: [spec] } } });
    url = stack.api!.url;
    guild = findGuild(stack.sim.world, spec.id)!;
    await overview();
    await waitForIdle(stack.queues);
    expect(await overview()).to.deep.equal(guildApiMembers());
  });
  after(async () => {
    await stack?.close();
  });

  it('a leaver stays gone through roster_changed, the periodic sync and a manual resync while Battle.net still lists them', async () => {
    const leaver = [...guild.members].filter((m) => m.rankId > 1).sort((a, b) => b.rankId - a.rankId)[0]!;
    // guild-api drops the member at once; Battle.net's roster keeps listing it for hours.
    stack.sim.removeMember(guild.id, leaver.characterName);
    expect(guild.roster.some((c) => c.name === leaver.characterName)).to.equal(true);
    expect((await send('member.left', { character_name: leaver.characterName, bnet_id: leaver.bnetId })).status).to.equal(202);
    await waitForIdle(stack.queues);

    const seen: string[][] = [];
    const syncs: Array<() => Promise<unknown>> = [
      () => send('guild.roster_changed', {}),
      () => syncAllTrackedJob.enqueue(stack.queues, {}),
      () => guildSyncJob.enqueue(stack.queues, { guild: guildRefOf(stack.sim, guild.id), reason: 'manual' }),
    ];
    for (const sync of syncs) {
      await sync();
      // Polled while the sync runs and after it: the leaver must never reappear.
      for (let i = 0; i < 4; i += 1) seen.push(await overview());
      await waitForIdle(stack.queues);
      seen.push(await overview());
    }
    for (const listed of seen) expect(listed).to.not.include(`${leaver.characterName}:${leaver.rankId}`);
    expect(seen.at(-1)).to.deep.equal(guildApiMembers());
  });

  it("keeps guild-api's rank when Battle.net's roster says another", async () => {
    // Any member but the Guild Master (the simulated ranks depend on the seed); Battle.net says another rank.
    const member = guild.members.find((m) => m.rankId >= 2) ?? guild.members.find((m) => m.rankId === 1)!;
    const character = guild.roster.find((c) => c.name === member.characterName)!;
    character.guild = { id: guild.id, rank: member.rankId === 5 ? 3 : 5 };
    await syncAllTrackedJob.enqueue(stack.queues, {});
    await waitForIdle(stack.queues);
    expect(await overview()).to.deep.equal(guildApiMembers());
  });
});
