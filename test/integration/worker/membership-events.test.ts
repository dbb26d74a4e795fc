import { expect } from 'chai';
import { enqueueGuildSync } from '../../../src/queue/guild-sync.js';
import { enqueueMembershipEvent, type WebhookEvent } from '../../../src/queue/membership-event.js';
import { findGuild, type SimGuild } from '../../../src/sim/index.js';
import { startStack, type Stack } from '../../helpers/stack.js';
import { uniqueId } from '../../helpers/test-env.js';
import { expectedItemLevel, guildFingerprint, membersOf, sql, syncPayloadFor, waitForIdle } from '../../helpers/worker.js';

describe('worker: guild-api membership events', function () {
  this.timeout(30_000);
  const guildId = uniqueId();
  let stack: Stack;
  let guild: SimGuild;
  const sent: WebhookEvent[] = [];

  const send = async (type: string, data: Record<string, unknown>, occurredAt = new Date()) => {
    const event = { id: `evt-${uniqueId()}`, type, guild_id: guildId, occurred_at: occurredAt.toISOString(), data } as WebhookEvent;
    sent.push(event);
    await enqueueMembershipEvent(stack.queues.membershipEvents, event);
    await waitForIdle(stack.queues);
    return event;
  };
  /** The same event delivered again under a new id, as if it had slipped past the api's de-duplication. */
  const redeliver = async (event: WebhookEvent) => {
    await enqueueMembershipEvent(stack.queues.membershipEvents, { ...event, id: `${event.id}-again` });
    await waitForIdle(stack.queues);
  };
  const member = async (name: string) => (await membersOf(guildId)).find((m) => m.character_name.toLowerCase() === name.toLowerCase());

  before(async () => {
    stack = await startStack({
      simulator: { seed: guildId, world: { demo: false, guilds: [{ id: guildId, name: 'Event Horizon', realm: `events-${guildId}`, region: 'us', members: 12 }] } },
    });
    guild = findGuild(stack.sim.world, guildId) as SimGuild;
    await enqueueGuildSync(stack.queues.guildSync, syncPayloadFor(stack.sim, guildId));
    await waitForIdle(stack.queues);
  });
  after(async () => {
    await stack?.close();
  });

  it('member.joined adds the member with its owner and rank, and fetches its gear', async () => {
    const character = stack.sim.addMember(guildId, { characterName: 'Newcomer', bnetId: 77001, rankId: 4 }, { alsoBattleNet: true });
    await send('member.joined', { character_name: 'Newcomer', bnet_id: 77001, rank_id: 4, rank_name: 'Trial' });
    const row = await member('Newcomer');
    expect(row).to.include({ left_at: null, rank_id: 4, rank_name: 'Trial', owner_bnet_id: '77001' });
    expect(row?.item_level).to.equal(expectedItemLevel(character));
  });

  it('member.rank_changed updates the rank', async () => {
    await send('member.rank_changed', { character_name: 'Newcomer', bnet_id: 77001, old_rank_id: 4, rank_id: 3, rank_name: 'Raider' });
    expect(await member('Newcomer')).to.include({ rank_id: 3, rank_name: 'Raider' });
  });

  it('member.left ends the membership at once', async () => {
    await send('member.left', { character_name: 'Newcomer', bnet_id: 77001 });
    expect((await member('Newcomer'))?.left_at).to.be.instanceOf(Date);
  });

  it('a replay of every event so far changes nothing, and a late "joined" does not undo the later "left"', async () => {
    const before = await guildFingerprint(guildId, { withUpdatedAt: true });
    for (const event of [...sent]) await redeliver(event);
    expect(await guildFingerprint(guildId, { withUpdatedAt: true })).to.deep.equal(before);
    expect((await member('Newcomer'))?.left_at).to.be.instanceOf(Date);
  });

  it('guild.roster_changed resyncs the guild from Battle.net', async () => {
    stack.sim.addMember(guildId, { characterName: 'Rosterling', bnetId: 77002, rankId: 5, level: 80 }, { alsoBattleNet: true });
    await send('guild.roster_changed', {});
    const row = await member('Rosterling');
    expect(row?.left_at).to.equal(null);
    expect(row?.status).to.not.equal('unknown');
  });

  it("user.characters_changed refreshes that user's characters", async () => {
    const owner = guild.members[0]?.bnetId as number;
    const character = stack.sim.world.users.get(owner)?.[0];
    if (!character) throw new Error('no character');
    stack.sim.changeGear('us', character.realm.slug, character.name);
    await send('user.characters_changed', { bnet_id: owner });
    expect((await member(character.name))?.item_level).to.equal(expectedItemLevel(character));
  });

  it('ignores events about guilds nobody tracks', async () => {
    const untracked = uniqueId();
    await enqueueMembershipEvent(stack.queues.membershipEvents, {
      id: `evt-${untracked}`, type: 'member.joined', guild_id: untracked, occurred_at: new Date().toISOString(),
      data: { character_name: 'Stranger', bnet_id: 1, rank_id: 3, rank_name: 'Raider' },
    } as WebhookEvent);
    await waitForIdle(stack.queues);
    expect(await sql('select 1 from guild_memberships where guild_id = $1', [untracked])).to.have.length(0);
  });
});
