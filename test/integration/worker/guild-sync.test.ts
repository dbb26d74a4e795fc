import { expect } from 'chai';
import { findGuild, type SimGuild } from '../../../src/sim/index.js';
import { startStack, type Stack } from '../../helpers/stack.js';
import { uniqueId } from '../../helpers/test-env.js';
import { characterRefreshJob } from '../../../src/queue/character-refresh.js';
import { expectedItemLevel, finished, guildFingerprint, membersOf, sql, syncFromGuildApi, waitForIdle } from '../../helpers/worker.js';

describe('worker: guild sync', function () {
  this.timeout(60_000);
  const guildId = uniqueId();
  let stack: Stack;
  let guild: SimGuild;

  before(async () => {
    stack = await startStack({
      simulator: { seed: guildId, world: { demo: false, guilds: [{ id: guildId, name: 'Sync Test Raiders', realm: `sync-${guildId}`, region: 'us', members: 200 }] } },
      // A one-second maximum age lets the re-run below refresh everyone again (a sync refreshes members past it).
      env: { CHARACTER_CACHE_TTL: '1', FRESHNESS_MEMBER_INTERVAL: '1', FRESHNESS_MAX_AGE: '1', BLIZZARD_QUOTA_PER_SECOND: '2000' },
    });
    guild = findGuild(stack.sim.world, guildId) as SimGuild;
  });
  after(async () => {
    await stack?.close();
  });

  it('makes a 200-member guild 200 memberships and 200 progress rows with the item levels the rules give', async () => {
    await syncFromGuildApi(stack.sim, stack.queues, guildId);
    await waitForIdle(stack.queues);

    const members = await membersOf(guildId);
    expect(members).to.have.length(200);
    expect(members.every((m) => m.left_at === null)).to.equal(true);
    const [progress] = await sql<{ n: string; ok: string }>(
      `select count(*) as n, count(*) filter (where p.fetch_status = 'ok') as ok
       from guild_memberships gm join character_progress p on p.character_id = gm.character_id where gm.guild_id = $1`,
      [guildId],
    );
    expect(progress).to.deep.equal({ n: '200', ok: '200' });

    const stored = new Map(members.map((m) => [`${m.realm_slug}/${m.character_name.toLowerCase()}`, m]));
    for (const character of guild.roster) {
      const row = stored.get(`${character.realm.slug}/${character.name.toLowerCase()}`);
      expect(row, character.name).to.not.equal(undefined);
      expect(row?.item_level, character.name).to.equal(expectedItemLevel(character));
    }
    const owners = new Map(guild.members.map((m) => [m.characterName.toLowerCase(), m]));
    for (const m of members) {
      const source = owners.get(m.character_name.toLowerCase());
      expect(Number(m.owner_bnet_id)).to.equal(source?.bnetId);
      expect(m.rank_id).to.equal(source?.rankId);
    }
  });

  it('changes nothing but fetch times when the same sync runs again', async () => {
    const before = await guildFingerprint(guildId, { withUpdatedAt: true });
    const [{ count: rowsBefore }] = (await sql<{ count: string }>('select count(*) from guild_memberships')) as [{ count: string }];
    stack.sim.resetCounters();
    await new Promise((resolve) => setTimeout(resolve, 1100));

    await syncFromGuildApi(stack.sim, stack.queues, guildId);
    await waitForIdle(stack.queues);

    expect(await guildFingerprint(guildId, { withUpdatedAt: true })).to.deep.equal(before);
    const [{ count: rowsAfter }] = (await sql<{ count: string }>('select count(*) from guild_memberships')) as [{ count: string }];
    expect(rowsAfter).to.equal(rowsBefore);
    // Every member was refreshed again with one call: the profile answered 304, so the equipment was not asked for.
    const counters = stack.sim.counters().blizzard;
    expect(counters.notModified).to.equal(200);
    expect(counters.requests).to.equal(201); // and the roster
    const [fresh] = await sql<{ n: string }>(
      `select count(*) as n from guild_memberships gm join character_progress p on p.character_id = gm.character_id
       where gm.guild_id = $1 and p.fetched_at > now() - interval '30 seconds'`,
      [guildId],
    );
    expect(fresh?.n).to.equal('200');
  });

  it('answers a refresh found due before another job fetched the character from that fetch, with no call (overlapping syncs)', async function () {
    this.timeout(120_000);
    const character = guild.roster[0]!;
    const [row] = await sql<{ fetched_at: Date }>(
      `select p.fetched_at from characters c join character_progress p on p.character_id = c.id
       where c.region = 'us' and c.realm_slug = $1 and c.name_key = $2`,
      [character.realm.slug, character.name.toLowerCase()],
    );
    const fetchedAt = row!.fetched_at.getTime();
    const payload = { region: 'us', realm: character.realm.slug, name: character.name, reason: 'sync' } as const;
    stack.sim.resetCounters();
    // Found due when the row held an earlier fetch, or none at all: the fetch stored since answers it.
    for (const seenFetchedAt of [fetchedAt - 1, null]) {
      const answered = await characterRefreshJob.enqueue(stack.queues, { ...payload, seenFetchedAt });
      expect(await finished(stack.queues.characterRefresh, answered, 30_000)).to.deep.equal({ status: 'already_fresh' });
    }
    expect(stack.sim.counters().blizzard.requests).to.equal(0);
    // Found due with this very fetch in the row: nothing newer answers it, so it asks Battle.net.
    const due = await characterRefreshJob.enqueue(stack.queues, { ...payload, seenFetchedAt: fetchedAt });
    expect(await finished(stack.queues.characterRefresh, due, 60_000)).to.deep.equal({ status: 'not_modified' });
    expect(stack.sim.counters().blizzard.requests).to.equal(1);
  });
});
