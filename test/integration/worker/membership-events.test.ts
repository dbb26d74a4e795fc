import { expect } from 'chai';
import { membershipEventJob, type WebhookEvent } from '../../../src/queue/membership-event.js';
import { findGuild, type SimGuild } from '../../../src/sim/index.js';
import { startStack, type Stack } from '../../helpers/stack.js';
import { uniqueId } from '../../helpers/test-env.js';
import { expectedItemLevel, guildFingerprint, membersOf, sql, syncFromGuildApi, waitForIdle } from '../../helpers/worker.js';

describe('worker: guild-api membership events', function () {
  this.timeout(30_000);
  const guildId = uniqueId();
  let stack: Stack;
  let guild: SimGuild;
  const sent: WebhookEvent[] = [];

  const send = async (type: string, data: Record<string, unknown>, occurredAt = new Date()) => {
    const event = { id: `evt-${uniqueId()}`, type, guild_id: guildId, occurred_at: occurredAt.toISOString(), data } as WebhookEvent;
    sent.push(event);
    await membershipEventJob.enqueue(stack.queues, event);
    await waitForIdle(stack.queues);
    return event;
  };
  /** The same event delivered again under a new id, as if it had slipped past the api's de-duplication. */
  const redeliver = async (event: WebhookEvent) => {
    await membershipEventJob.enqueue(stack.queues, { ...event, id: `${event.id}-again` });
    await waitForIdle(stack.queues);
  };
  const member = async (name: string) => (await membersOf(guildId)).find((m) => m.character_name.toLowerCase() === name.toLowerCase());

  before(async () => {
    stack = await startStack({
      simulator: { seed: guildId, world: { demo: false, guilds: [{ id: guildId, name: 'Event Horizon', realm: `events-${guildId}`, region: 'us', members: 12 }] } },
    });
    guild = findGuild(stack.sim.world, guildId) as SimGuild;
    await syncFromGuildApi(stack.sim, stack.queues, guildId);
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

  it("guild.roster_changed resyncs from the membership guild-api gave: a character only Battle.net's roster lists is not added", async () => {
    stack.sim.addMember(guildId, { characterName: 'Rosterling', bnetId: 77002, rankId: 5, level: 80 }, { alsoBattleNet: true });
    // guild-api drops it again; Battle.net's roster, hours behind, still lists it.
    stack.sim.removeMember(guildId, 'Rosterling');
    await send('guild.roster_changed', {});
    expect(await member('Rosterling')).to.equal(undefined);
  });

  it("user.characters_changed refreshes that user's characters", async () => {
    const owner = guild.members[0]?.bnetId as number;
    const character = stack.sim.world.users.get(owner)?.[0];
    if (!character) throw new Error('no character');
    stack.sim.changeGear('us', character.realm.slug, character.name);
    await send('user.characters_changed', { bnet_id: owner });
    expect((await member(character.name))?.item_level).to.equal(expectedItemLevel(character));
  });

  describe('events apply in the order they happened, not the order they arrive', () => {
    // Minutes before a moment after every list read so far, so only the order among these events matters.
    const base = Date.now() + 3_600_000;
    const at = (minutesBefore: number) => new Date(base - minutesBefore * 60_000);
    const rank = (name: string, bnetId: number, rankId: number, occurredAt: Date) =>
      send('member.rank_changed', { character_name: name, bnet_id: bnetId, rank_id: rankId, rank_name: `Rank ${rankId}` }, occurredAt);

    it('an older rank change arriving after a newer one changes nothing', async () => {
      stack.sim.addMember(guildId, { characterName: 'Ranky', bnetId: 77010, rankId: 4 }, { alsoBattleNet: true });
      await send('member.joined', { character_name: 'Ranky', bnet_id: 77010, rank_id: 4, rank_name: 'Rank 4' }, at(10));
      await rank('Ranky', 77010, 2, at(5));
      const before = await guildFingerprint(guildId, { withUpdatedAt: true });
      await rank('Ranky', 77010, 3, at(7));
      expect(await member('Ranky')).to.include({ rank_id: 2, rank_name: 'Rank 2' });
      expect(await guildFingerprint(guildId, { withUpdatedAt: true })).to.deep.equal(before);
      await rank('Ranky', 77010, 1, at(4));
      expect(await member('Ranky')).to.include({ rank_id: 1 });
    });

    it('a join that happened before a leave but arrives after it does not bring the member back', async () => {
      stack.sim.addMember(guildId, { characterName: 'Boomerang', bnetId: 77011, rankId: 4 }, { alsoBattleNet: true });
      await send('member.left', { character_name: 'Boomerang', bnet_id: 77011 }, at(3));
      await send('member.joined', { character_name: 'Boomerang', bnet_id: 77011, rank_id: 4, rank_name: 'Trial' }, at(6));
      expect((await member('Boomerang'))?.left_at).to.be.instanceOf(Date);
      // A join after the leave does bring it back.
      await send('member.joined', { character_name: 'Boomerang', bnet_id: 77011, rank_id: 4, rank_name: 'Trial' }, at(1));
      expect(await member('Boomerang')).to.include({ left_at: null, rank_id: 4 });
    });

    it('a rank change that happened before a leave but arrives after it does not rejoin the member', async () => {
      stack.sim.addMember(guildId, { characterName: 'Latebloom', bnetId: 77012, rankId: 4 }, { alsoBattleNet: true });
      await send('member.joined', { character_name: 'Latebloom', bnet_id: 77012, rank_id: 4, rank_name: 'Trial' }, at(20));
      await send('member.left', { character_name: 'Latebloom', bnet_id: 77012 }, at(2));
      await rank('Latebloom', 77012, 3, at(8));
      expect(await member('Latebloom')).to.include({ rank_id: 4 });
      expect((await member('Latebloom'))?.left_at).to.be.instanceOf(Date);
    });

    it('a guild-api list read before an event does not undo it; events older than the list change nothing', async () => {
      stack.sim.addMember(guildId, { characterName: 'Quickstep', bnetId: 77013, rankId: 4 }, { alsoBattleNet: true });
      const listReadAt = at(5);
      // The list (read five minutes ago) still names Quickstep; its leave happened after the read.
      await send('member.left', { character_name: 'Quickstep', bnet_id: 77013 }, at(2));
      await syncFromGuildApi(stack.sim, stack.queues, guildId, listReadAt);
      await waitForIdle(stack.queues);
      expect((await member('Quickstep'))?.left_at).to.be.instanceOf(Date);
      // A join that happened before the list was read is already reflected by it (or superseded): no change.
      stack.sim.removeMember(guildId, 'Quickstep');
      await syncFromGuildApi(stack.sim, stack.queues, guildId, at(1));
      await waitForIdle(stack.queues);
      await send('member.joined', { character_name: 'Quickstep', bnet_id: 77013, rank_id: 4, rank_name: 'Trial' }, at(3));
      expect((await member('Quickstep'))?.left_at).to.be.instanceOf(Date);
    });
  });

  it('ignores events about guilds nobody tracks', async () => {
    const untracked = uniqueId();
    await membershipEventJob.enqueue(stack.queues, {
      id: `evt-${untracked}`, type: 'member.joined', guild_id: untracked, occurred_at: new Date().toISOString(),
      data: { character_name: 'Stranger', bnet_id: 1, rank_id: 3, rank_name: 'Raider' },
    } as WebhookEvent);
    await waitForIdle(stack.queues);
    expect(await sql('select 1 from guild_memberships where guild_id = $1', [untracked])).to.have.length(0);
  });
});
