import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { findGuild, type SimGuild } from '../../../src/sim/index.js';
import { startStack, type Stack } from '../../helpers/stack.js';
import { TEST_WEBHOOK_SECRET } from '../../helpers/test-env.js';
import { membersOf, waitFor, waitForIdle } from '../../helpers/worker.js';
import { bearer, call, isolatedGuild } from '../api/helpers.js';

/** Letters only (character names allow nothing else), unique to this process. */
const lettersOf = (n: number) => String(n).split('').map((d) => 'abcdefghij'[Number(d)]).join('');

describe('realms spelled as display names', function () {
  this.timeout(60_000);
  let stack: Stack;
  let url: string;
  let guild: SimGuild;
  const spec = isolatedGuild(6);
  const gm = () => guild.members.find((m) => m.rankId === 0)!.bnetId;
  const send = (type: string, data: Record<string, unknown>) =>
    stack.sim.sendWebhook(`${url}/webhooks/guild-api`, TEST_WEBHOOK_SECRET, {
      id: randomUUID(), type, guild_id: guild.id, occurred_at: new Date().toISOString(), data,
    });

  before(async () => {
    stack = await startStack({ api: true, simulator: { seed: spec.id, world: { demo: false, guilds: [spec] } } });
    url = stack.api!.url;
    guild = findGuild(stack.sim.world, spec.id)!;
    expect((await call(`${url}/guilds/${guild.id}/progress/members`, { headers: bearer(stack.sim.tokenFor(gm())) })).status).to.equal(200);
    await waitForIdle(stack.queues);
  });
  after(async () => {
    await stack?.close();
  });

  it('accepts member.joined with "Area 52" and applies it to the area-52 character', async () => {
    const name = `Realmwalker${lettersOf(spec.id)}`.slice(0, 24);
    const bnetId = 990_000 + (spec.id % 10_000);
    stack.sim.addMember(guild.id, { characterName: name, bnetId, rankId: 4, realmSlug: 'area-52' });
    const reply = await send('member.joined', { character_name: name, realm: 'Area 52', bnet_id: bnetId, rank_id: 4, rank_name: 'Trial' });
    expect(reply).to.deep.equal({ status: 202, body: { accepted: true } });
    const row = await waitFor(async () => (await membersOf(guild.id)).find((m) => m.character_name.toLowerCase() === name.toLowerCase()), 20_000, 'the join');
    expect(row).to.include({ realm_slug: 'area-52', left_at: null, rank_id: 4 });
  });

  it('accepts member.left with the guild realm\'s display name', async () => {
    const leaver = guild.members.find((m) => m.rankId > 1)!;
    stack.sim.removeMember(guild.id, leaver.characterName);
    const reply = await send('member.left', { character_name: leaver.characterName, realm: guild.realm.name, bnet_id: leaver.bnetId });
    expect(reply.status).to.equal(202);
    await waitForIdle(stack.queues);
    const row = (await membersOf(guild.id)).find((m) => m.character_name === leaver.characterName);
    expect(row?.left_at).to.be.instanceOf(Date);
  });

  it('serves the character view for a realm given by its display name', async () => {
    const member = guild.members.find((m) => m.rankId === 0)!;
    const reply = await call(
      `${url}/guilds/${guild.id}/progress/character/${encodeURIComponent(member.characterName)}?realm=${encodeURIComponent(guild.realm.name)}`,
      { headers: bearer(stack.sim.tokenFor(gm())) },
    );
    expect(reply.status, reply.text.slice(0, 200)).to.equal(200);
    expect(reply.body.character.realm).to.equal(guild.realm.slug);
  });
});
