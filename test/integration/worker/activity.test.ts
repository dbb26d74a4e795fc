import { expect } from 'chai';
import { ManualClock } from '../../../src/clock.js';
import { characterRefreshJob } from '../../../src/queue/character-refresh.js';
import { findGuild, type SimActivity, type SimCharacter, type SimGuild } from '../../../src/sim/index.js';
import { startStack, type Stack } from '../../helpers/stack.js';
import { sql, waitForIdle } from '../../helpers/worker.js';
import { isolatedGuild } from '../api/helpers.js';

const HOUR = 3_600_000;

/** Two heroic bosses (the first raid slot) and three keys (the first dungeon slot), all in the week that began Tuesday 2026-12-08 15:00 UTC. */
const ROUTINE: SimActivity = {
  mythicPlus: { rating: 2210.4, runs: [{ dungeon: 0, level: 11, offsetMs: HOUR }, { dungeon: 1, level: 8, offsetMs: 2 * HOUR }, { dungeon: 2, level: 10, offsetMs: 3 * HOUR }] },
  kills: [{ difficulty: 'HEROIC', boss: 0, offsetMs: 4 * HOUR }, { difficulty: 'HEROIC', boss: 1, offsetMs: 5 * HOUR }],
};

describe('activity refresh in the worker', () => {
  let stack: Stack;
  let guild: SimGuild;
  let c: SimCharacter;
  const clock = new ManualClock('2026-12-09T02:00:00Z');
  const spec = isolatedGuild(2);

  before(async () => {
    stack = await startStack({ clock, simulator: { seed: 77, world: { demo: false, guilds: [spec] } }, env: { ACTIVITY_REFRESH: 'true' } });
    guild = findGuild(stack.sim.world, spec.id)!;
    c = guild.roster[0]!;
    stack.sim.setActivity(c.region, c.realm.slug, c.name, ROUTINE);
    stack.sim.logIn(c.region, c.realm.slug, c.name);
  });
  after(async () => stack?.close());

  const activityCalls = () => {
    const base = `/blizzard/us/profile/wow/character/${c.realm.slug}/${encodeURIComponent(c.name.toLowerCase())}`;
    const byPath = stack.sim.counters().blizzard.byPath;
    return (byPath[`${base}/mythic-keystone-profile`] ?? 0) + (byPath[`${base}/encounters/raids`] ?? 0);
  };
  const refresh = async () => {
    await characterRefreshJob.enqueue(stack.queues, { region: 'us', realm: c.realm.slug, name: c.name, reason: 'manual' });
    await waitForIdle(stack.queues);
  };
  const stored = async () =>
    (await sql<{ vault_slots: number; raid_bosses: number; mplus_score: number; week_start: Date; last_error: string | null }>(
      `select a.vault_slots, a.raid_bosses, a.mplus_score, a.week_start, a.last_error
         from character_activity a join characters ch on ch.id = a.character_id
        where ch.region = 'us' and ch.realm_slug = $1 and ch.name_key = $2`,
      [c.realm.slug, c.name.toLowerCase()],
    ))[0];

  it('fetches activity with two calls after the first refresh, and stores the week’s values with their week', async () => {
    stack.sim.resetCounters();
    await refresh();
    expect(activityCalls()).to.equal(2);
    expect(await stored()).to.deep.include({ vault_slots: 2, raid_bosses: 2, mplus_score: 2210.4, last_error: null });
    expect((await stored())!.week_start.toISOString()).to.equal('2026-12-08T15:00:00.000Z');
  });

  it('makes no activity call when the character has not logged in since, even when its gear changed', async () => {
    stack.sim.resetCounters();
    await refresh();
    stack.sim.changeGear(c.region, c.realm.slug, c.name);
    await refresh();
    expect(stack.sim.counters().blizzard.requests, 'the refreshes themselves did call').to.be.greaterThan(0);
    expect(activityCalls()).to.equal(0);
  });

  it('makes at most two after a log-in, however many refreshes follow it', async () => {
    clock.advance(HOUR);
    stack.sim.logIn(c.region, c.realm.slug, c.name);
    stack.sim.resetCounters();
    await refresh();
    await refresh();
    expect(activityCalls()).to.equal(2);
  });
});
