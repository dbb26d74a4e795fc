import { expect } from 'chai';
import { ManualClock } from '../../../src/clock.js';
import { characterRefreshJob } from '../../../src/queue/character-refresh.js';
import { findGuild, type SimActivity, type SimCharacter, type SimGuild } from '../../../src/sim/index.js';
import { startStack, type Stack } from '../../helpers/stack.js';
import { waitFor, waitForIdle } from '../../helpers/worker.js';
import { bearer, call, isolatedGuild } from './helpers.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * A weekly routine, in time after the region's reset: four heroic bosses the first night, a mythic boss the
 * second, a normal boss just before the next reset, and five keys the first afternoon.
 */
const ROUTINE: SimActivity = {
  mythicPlus: {
    rating: 2714.5,
    runs: [12, 10, 9, 7, 15].map((level, i) => ({ dungeon: i, level, offsetMs: 2 * HOUR + i * 40 * MINUTE })),
  },
  kills: [
    ...[0, 1, 2, 3].map((boss) => ({ difficulty: 'HEROIC' as const, boss, offsetMs: 9 * HOUR + boss * 20 * MINUTE })),
    { difficulty: 'MYTHIC', boss: 0, offsetMs: DAY + 9 * HOUR },
    { difficulty: 'NORMAL', boss: 4, offsetMs: 6 * DAY + 23 * HOUR },
  ],
};

const kills = (heroic: number, mythic: number, normal: number) => ({ lfr: 0, normal, heroic, mythic });

describe('activity in the character view: this week’s kills, runs and Great Vault across US and EU resets', function () {
  this.timeout(60_000);
  const usSpec = isolatedGuild(2, 'us');
  // A guild no request touches before the last test, so its member's first read is the first fetch.
  const lateSpec = isolatedGuild(1, 'us');
  const euSpec = isolatedGuild(2, 'eu');
  const clock = new ManualClock('2026-12-08T14:59:00Z');
  let stack: Stack;
  let us: SimGuild;
  let eu: SimGuild;
  let raider: SimCharacter; // US, the routine
  let casual: SimCharacter; // US, never ran a key
  let euRaider: SimCharacter; // EU, the routine
  let late: SimGuild;
  let newcomer: SimCharacter; // US, first read only in the last test

  const view = (guild: SimGuild, c: SimCharacter) =>
    call(`${stack.api!.url}/guilds/${guild.id}/progress/character/${encodeURIComponent(c.name)}?realm=${c.realm.slug}`, {
      headers: bearer(stack.sim.tokenFor(guild.members[0]!.bnetId)),
    });
  const overview = async (guild: SimGuild, query = '') => {
    const reply = await call(`${stack.api!.url}/guilds/${guild.id}/progress/members${query}`, { headers: bearer(stack.sim.tokenFor(guild.members[0]!.bnetId)) });
    expect(reply.status, reply.text).to.equal(200);
    return reply;
  };
  const rowOf = (body: { members: Array<{ character_name: string }> }, c: SimCharacter) => body.members.find((m) => m.character_name === c.name);
  const activityOf = async (guild: SimGuild, c: SimCharacter) => {
    const reply = await view(guild, c);
    expect(reply.status, reply.text).to.equal(200);
    return reply.body.activity;
  };
  const activityCalls = (c: SimCharacter) => {
    const base = `/blizzard/${c.region}/profile/wow/character/${c.realm.slug}/${encodeURIComponent(c.name.toLowerCase())}`;
    const byPath = stack.sim.counters().blizzard.byPath;
    return (byPath[`${base}/mythic-keystone-profile`] ?? 0) + (byPath[`${base}/encounters/raids`] ?? 0);
  };
  /** What a guild sync does for a member: a refresh, which fetches activity only after a log-in. */
  const refresh = async (c: SimCharacter) => {
    await characterRefreshJob.enqueue(stack.queues, { region: c.region, realm: c.realm.slug, name: c.name, reason: 'manual' });
    await waitForIdle(stack.queues);
  };

  before(async () => {
    stack = await startStack({
      api: true,
      clock,
      // Fresh for sixty days, so reads never trigger refreshes of their own while the clock walks.
      env: { ACTIVITY_REFRESH: 'true', CHARACTER_CACHE_TTL: String(60 * 86400) },
      simulator: { seed: 31, world: { demo: false, guilds: [usSpec, euSpec, lateSpec] } },
    });
    us = findGuild(stack.sim.world, usSpec.id)!;
    eu = findGuild(stack.sim.world, euSpec.id)!;
    [raider, casual] = us.roster as [SimCharacter, SimCharacter];
    late = findGuild(stack.sim.world, lateSpec.id)!;
    newcomer = late.roster[0]!;
    euRaider = eu.roster[0]!;
    stack.sim.setActivity(raider.region, raider.realm.slug, raider.name, ROUTINE);
    stack.sim.setActivity(casual.region, casual.realm.slug, casual.name, { mythicPlus: null, kills: [] });
    stack.sim.setActivity(euRaider.region, euRaider.realm.slug, euRaider.name, ROUTINE);
    for (const c of [raider, casual, euRaider]) stack.sim.logIn(c.region, c.realm.slug, c.name);
    // First reads: each waits for its gear; its activity follows in a job of its own.
    for (const [guild, c] of [[us, raider], [us, casual], [eu, euRaider]] as const) {
      await waitFor(async () => (await view(guild, c)).status === 200, 15_000, `${c.name}'s first fetch`);
    }
    await waitForIdle(stack.queues);
  });
  after(async () => stack?.close());

  it('one second before the US reset: last week’s kills and runs, the vault they unlock, the score as Battle.net gives it', async () => {
    clock.set('2026-12-08T14:59:59Z');
    const activity = await activityOf(us, raider);
    expect(activity.week).to.include({ starts_at: '2026-12-01T15:00:00.000Z', ends_at: '2026-12-08T15:00:00.000Z' });
    expect(activity.raid.kills_this_week).to.deep.equal(kills(4, 1, 1));
    expect(activity.mythic_plus).to.deep.include({ score: 2714.5, color: { r: 255, g: 128, b: 0, a: 1 }, runs_are_floor: true });
    expect(activity.mythic_plus.runs_this_week.map((r: { keystone_level: number }) => r.keystone_level)).to.deep.equal([15, 12, 10, 9, 7]);
    expect(activity.vault).to.deep.equal({
      raid: [
        { threshold: 2, unlocked: true, difficulty: 'heroic' },
        { threshold: 4, unlocked: true, difficulty: 'heroic' },
        { threshold: 6, unlocked: false, difficulty: null },
      ],
      dungeons: [
        { threshold: 1, unlocked: true, keystone_level: 15 },
        { threshold: 4, unlocked: true, keystone_level: 9 },
        { threshold: 8, unlocked: false, keystone_level: null },
      ],
      world: null,
    });
    expect(activity.raid.progress).to.deep.include({ instance: 'The Voidspire', instance_id: 1307, difficulty: 'heroic', completed: 4, total: 6 });
    expect(activity.stale).to.equal(false);
    expect((await activityOf(eu, euRaider)).raid.kills_this_week, 'EU: its own week (from Wednesday 04:00)').to.deep.equal(kills(4, 1, 0));
    const { body } = await overview(us);
    expect(rowOf(body, raider)).to.include({ mplus_score: 2714.5, vault_slots: 4, raid_kills_this_week: 5 });
    expect(rowOf(body, casual)).to.include({ mplus_score: null, vault_slots: 0, raid_kills_this_week: 0 });
  });

  it('at the US reset instant: nothing counts any more in the US, while the EU week goes on', async () => {
    clock.set('2026-12-08T15:00:00Z');
    const activity = await activityOf(us, raider);
    expect(activity.week).to.include({ starts_at: '2026-12-08T15:00:00.000Z' });
    expect(activity.raid.kills_this_week).to.deep.equal(kills(0, 0, 0));
    expect(activity.mythic_plus.runs_this_week).to.deep.equal([]);
    expect(activity.mythic_plus.score).to.equal(2714.5);
    expect([...activity.vault.raid, ...activity.vault.dungeons].some((s: { unlocked: boolean }) => s.unlocked)).to.equal(false);
    expect((await activityOf(eu, euRaider)).raid.kills_this_week).to.deep.equal(kills(4, 1, 0));
    // Stored for last week, read as zero this week; the season's score stays.
    const { body } = await overview(us);
    expect(rowOf(body, raider)).to.include({ mplus_score: 2714.5, vault_slots: 0, raid_kills_this_week: 0 });
    expect(body.summary.vault).to.deep.equal({ known: 2, average_slots: 0, by_slots: [2, 0, 0, 0, 0, 0, 0] });
    expect(rowOf((await overview(eu)).body, euRaider), 'bosses 0–3, boss 0 on two difficulties').to.include({ vault_slots: 4, raid_kills_this_week: 4 });
  });

  it('a character that never ran a key shows no runs, not a 404', async () => {
    const activity = await activityOf(us, casual);
    expect(activity.mythic_plus).to.deep.equal({ score: null, color: null, runs_this_week: [], runs_are_floor: true });
    expect(activity.raid.kills_this_week).to.deep.equal(kills(0, 0, 0));
    expect(activity.vault.world).to.equal(null);
  });

  it('after the reset, the new week’s kills count once the character logged in, and cost two calls', async () => {
    clock.set('2026-12-09T01:00:00Z');
    stack.sim.resetCounters();
    await refresh(raider);
    expect(activityCalls(raider), 'not logged in since: no activity call').to.equal(0);
    stack.sim.logIn(raider.region, raider.realm.slug, raider.name);
    await refresh(raider);
    expect(activityCalls(raider)).to.equal(2);
    const activity = await activityOf(us, raider);
    expect(activity.raid.kills_this_week, 'four heroic bosses from 00:00 to 01:00').to.deep.equal(kills(4, 0, 0));
    expect(activity.vault.raid.map((s: { unlocked: boolean }) => s.unlocked)).to.deep.equal([true, true, false]);
  });

  it('the overview sorts by score and by vault, filters on fewer vault slots, sums up the roster’s vault and writes the same columns as CSV', async () => {
    // Now: raider 2 raid + 2 dungeon slots this week, casual none.
    const byScore = (await overview(us, '?sort=mplus')).body;
    expect(byScore.members.map((m: { character_name: string }) => m.character_name)).to.deep.equal([raider.name, casual.name]);
    expect(byScore.summary.vault).to.deep.equal({ known: 2, average_slots: 2, by_slots: [1, 0, 0, 0, 1, 0, 0] });
    expect(rowOf(byScore, raider)).to.include({ vault_slots: 4, raid_kills_this_week: 4 });
    const byVault = (await overview(us, '?sort=vault&order=asc')).body;
    expect(byVault.members.map((m: { character_name: string }) => m.character_name)).to.deep.equal([casual.name, raider.name]);
    const lacking = (await overview(us, '?vault_slots_lt=3')).body;
    expect(lacking.total).to.equal(1);
    expect(lacking.members.map((m: { character_name: string }) => m.character_name)).to.deep.equal([casual.name]);
    expect((await overview(us, '?vault_slots_lt=5')).body.total).to.equal(2);

    const csv = await overview(us, '?sort=mplus&format=csv');
    const [header, first] = csv.text.replace('\uFEFF', '').trim().split('\r\n') as [string, string];
    const cell = (name: string) => first.split(',')[header.split(',').indexOf(name)];
    expect([cell('character_name'), cell('mplus_score'), cell('vault_slots'), cell('raid_kills_this_week')]).to.deep.equal([raider.name, '2714.5', '4', '4']);
    const bad = await call(`${stack.api!.url}/guilds/${us.id}/progress/members?vault_slots_lt=0`, { headers: bearer(stack.sim.tokenFor(us.members[0]!.bnetId)) });
    expect(bad.status).to.equal(400);
  });

  it('at the EU reset (Wednesday 04:00 UTC): kills before it stop counting', async () => {
    clock.set('2026-12-09T03:59:59Z');
    stack.sim.logIn(euRaider.region, euRaider.realm.slug, euRaider.name);
    await refresh(euRaider);
    expect((await activityOf(eu, euRaider)).raid.kills_this_week, 'the normal boss of 03:00 is this week').to.deep.equal(kills(4, 1, 1));
    clock.set('2026-12-09T04:00:00Z');
    const activity = await activityOf(eu, euRaider);
    expect(activity.week.starts_at).to.equal('2026-12-09T04:00:00.000Z');
    expect(activity.raid.kills_this_week).to.deep.equal(kills(0, 0, 0));
  });

  it('keeps the last activity, marked stale, while Battle.net’s activity endpoints are down', async () => {
    clock.set('2026-12-09T12:00:00Z');
    const before = await activityOf(us, raider);
    stack.sim.logIn(raider.region, raider.realm.slug, raider.name);
    stack.sim.setFaults({ activityOutage: true });
    try {
      await characterRefreshJob.enqueue(stack.queues, { region: raider.region, realm: raider.realm.slug, name: raider.name, reason: 'manual' });
      await waitFor(async () => (await activityOf(us, raider)).stale === true, 15_000, 'the failed activity fetch');
      const stale = await activityOf(us, raider);
      expect(stale.raid).to.deep.equal(before.raid);
      expect(stale.fetched_at).to.equal(before.fetched_at);
      expect(stale.mythic_plus.score).to.equal(2714.5);
    } finally {
      stack.sim.resetFaults();
    }
  });

  it('answers a reader’s first read without waiting on activity calls', async () => {
    stack.sim.setActivity(newcomer.region, newcomer.realm.slug, newcomer.name, ROUTINE);
    stack.sim.logIn(newcomer.region, newcomer.realm.slug, newcomer.name);
    // Activity calls now take seconds: the gear is served while they are still on their way.
    stack.sim.setFaults({ activityLatencyMs: 1500 });
    try {
      let first = await view(late, newcomer);
      while (first.status === 202) first = await view(late, newcomer);
      expect(first.status, first.text).to.equal(200);
      expect(first.body.character.current_ilvl).to.be.a('number');
      expect(first.body.activity, 'served before the activity calls answered').to.equal(null);
      await waitFor(async () => (await view(late, newcomer)).body.activity !== null, 15_000, 'the activity fetched after the gear');
    } finally {
      stack.sim.resetFaults();
    }
  });
});
