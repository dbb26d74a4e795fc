import { expect } from 'chai';
import { characterRefreshJob, PRIORITY } from '../../../src/queue/character-refresh.js';
import { guildSyncJob, syncAllTrackedJob } from '../../../src/queue/guild-sync.js';
import { findGuild, type SimGuild } from '../../../src/sim/index.js';
import { startStack, type Stack } from '../../helpers/stack.js';
import { uniqueId } from '../../helpers/test-env.js';
import { expectedItemLevel, finished, guildRefOf, membersOf, sql, syncFromGuildApi, waitFor, waitForIdle } from '../../helpers/worker.js';

describe('worker: roster and gear changes', function () {
  this.timeout(30_000);
  const guildId = uniqueId();
  let stack: Stack;
  let guild: SimGuild;

  before(async () => {
    stack = await startStack({
      simulator: { seed: guildId, world: { demo: false, guilds: [{ id: guildId, name: 'Changing Roster', realm: `roster-${guildId}`, region: 'us', members: 30 }] } },
    });
    guild = findGuild(stack.sim.world, guildId) as SimGuild;
    await syncFromGuildApi(stack.sim, stack.queues, guildId);
    await waitForIdle(stack.queues);
  });
  after(async () => {
    await stack?.close();
  });

  it('marks a member removed from the roster as left after the next sync, and stops listing it as current', async () => {
    const leaver = guild.members[5]?.characterName as string;
    expect(stack.sim.removeMember(guildId, leaver, { alsoBattleNet: true })).to.equal(true);

    await syncFromGuildApi(stack.sim, stack.queues, guildId);
    await waitForIdle(stack.queues);

    const members = await membersOf(guildId);
    const row = members.find((m) => m.character_name.toLowerCase() === leaver.toLowerCase());
    expect(row?.left_at).to.be.instanceOf(Date);
    expect(members.filter((m) => m.left_at === null)).to.have.length(29);
  });

  it('keeps a member guild-api still lists when only Battle.net has dropped it', async () => {
    const member = guild.members[7]?.characterName as string;
    const character = guild.roster.find((c) => c.name === member);
    guild.roster = guild.roster.filter((c) => c !== character);

    await guildSyncJob.enqueue(stack.queues, { guild: guildRefOf(stack.sim, guildId), reason: 'manual' });
    await waitForIdle(stack.queues);

    const row = (await membersOf(guildId)).find((m) => m.character_name === member);
    expect(row?.left_at).to.equal(null);
    if (character) guild.roster.push(character);
  });

  it('shows a changed item after the character is refreshed', async () => {
    const character = guild.roster[3];
    if (!character) throw new Error('no character');
    const before = expectedItemLevel(character);
    stack.sim.changeGear('us', character.realm.slug, character.name);
    const after = expectedItemLevel(character);
    expect(after).to.be.greaterThan(before);

    await characterRefreshJob.enqueue(stack.queues, { region: 'us', realm: character.realm.slug, name: character.name, reason: 'manual' }, { priority: PRIORITY.reader });
    await waitForIdle(stack.queues);

    const [row] = await sql<{ item_level: number; gm_ilvl: number; equipped: Array<{ slot: string; ilvl: number | null; item_id: number | null }>; history: number }>(
      `select p.item_level, gm.item_level as gm_ilvl, p.equipped_items as equipped,
              (select item_level from item_level_history h where h.character_id = c.id order by day desc limit 1) as history
       from characters c join character_progress p on p.character_id = c.id
       join guild_memberships gm on gm.character_id = c.id and gm.guild_id = $1
       where c.region = 'us' and c.realm_slug = $2 and c.name_key = lower($3)`,
      [guildId, character.realm.slug, character.name],
    );
    expect(row?.item_level).to.equal(after);
    expect(row?.gm_ilvl).to.equal(after);
    expect(row?.history).to.equal(after);
    expect(row?.equipped).to.have.length(16);
    const worn = new Map(character.items.map((i) => [i.slot.toLowerCase(), i]));
    for (const entry of row?.equipped ?? []) {
      const item = worn.get(entry.slot);
      if (item) expect(entry.ilvl, entry.slot).to.equal(item.itemLevel);
    }
  });

  it("syncs from guild-api's members alone while Battle.net's roster is down, dropping only guild-api's leavers", async () => {
    stack.sim.addMember(guildId, { characterName: 'Latecomer', bnetId: 88001, rankId: 4 });
    const departed = guild.members[9]?.characterName as string;
    stack.sim.removeMember(guildId, departed);
    stack.sim.setFaults({ outage: true });
    try {
      const job = await syncFromGuildApi(stack.sim, stack.queues, guildId);
      await finished(stack.queues.guildSync, job);
    } finally {
      stack.sim.setFaults({ outage: false });
    }
    // The newcomer's first refresh failed during the outage and is retried after its backoff.
    await waitForIdle(stack.queues);
    const members = await membersOf(guildId);
    expect(members.find((m) => m.character_name === 'Latecomer')).to.include({ left_at: null, rank_id: 4, owner_bnet_id: '88001' });
    expect(members.find((m) => m.character_name === departed)?.left_at).to.be.instanceOf(Date);
    expect(members.filter((m) => m.left_at === null)).to.have.length(guild.members.length);
    const [row] = await sql<{ sync_status: string }>('select sync_status from guilds where id = $1', [guildId]);
    expect(row?.sync_status).to.equal('partial');
  });

  it('runs a sync of every tracked guild from the scheduler job', async () => {
    const [before] = await sql<{ last_synced_at: Date }>('select last_synced_at from guilds where id = $1', [guildId]);
    await syncAllTrackedJob.enqueue(stack.queues, {});
    await waitForIdle(stack.queues);
    const [after] = await sql<{ last_synced_at: Date; sync_status: string }>('select last_synced_at, sync_status from guilds where id = $1', [guildId]);
    expect(after?.last_synced_at.getTime()).to.be.greaterThan(before?.last_synced_at.getTime() ?? 0);
    expect(after?.sync_status).to.equal('ok');
  });
});
