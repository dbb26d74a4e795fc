import { expect } from 'chai';
import { ManualClock } from '../../../src/clock.js';
import { DEFAULT_RESETS, greatVault, raidKillsThisWeek, resetPeriodAt, runsThisWeek } from '../../../src/domain/index.js';
import { createLogger } from '../../../src/logger.js';
import { LEVEL_CAP } from '../../../src/sim/world.js';
import { RAID_BOSSES, startSimulator, type SimActivity, type Simulator } from '../../../src/sim/index.js';
import { BlizzardClient } from '../../../src/upstream/blizzard/client.js';
import type { QuotaGate } from '../../../src/upstream/blizzard/quota.js';
import { blizzardConfigFor, JWT_SECRET } from './support/configs.js';

const logger = createLogger({ level: 'silent' });
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Counts admissions, to show the activity calls pass the same quota gate as every other call. */
class CountingQuota implements QuotaGate {
  acquired = 0;
  async acquire(): Promise<number> {
    this.acquired += 1;
    return Date.now();
  }
  async block(): Promise<void> {}
}

// Wednesday 2026-12-09 12:00 UTC: the US week began Tuesday 15:00 UTC.
const NOW = '2026-12-09T12:00:00Z';

const ROUTINE: SimActivity = {
  mythicPlus: {
    rating: 2714.5,
    runs: [
      { dungeon: 0, level: 12, offsetMs: 2 * HOUR },
      { dungeon: 0, level: 10, offsetMs: 3 * HOUR }, // the same dungeon lower: not Battle.net's best run
      { dungeon: 1, level: 9, offsetMs: 4 * HOUR, inTime: false },
      { dungeon: 2, level: 14, offsetMs: 2 * DAY }, // after "now" this week: not yet run
    ],
  },
  kills: [
    { difficulty: 'HEROIC', boss: 0, offsetMs: 9 * HOUR },
    { difficulty: 'HEROIC', boss: 1, offsetMs: 10 * HOUR },
    { difficulty: 'NORMAL', boss: 2, offsetMs: 10 * HOUR },
    { difficulty: 'MYTHIC', boss: 0, offsetMs: 2 * DAY }, // later in the week: last week's kill shows
    { difficulty: 'NORMAL', boss: 7, offsetMs: HOUR, weeksAgo: 2 },
  ],
};

describe('Battle.net Mythic+ and raid endpoints (client and simulator)', () => {
  let sim: Simulator;
  let client: BlizzardClient;
  let quota: CountingQuota;
  const clock = new ManualClock(NOW);
  const who = () => sim.world.guilds[0]!.roster[2]!;

  before(async () => {
    sim = await startSimulator({ jwtSecretKey: JWT_SECRET, seed: 11, clock });
  });
  after(async () => sim.close());
  beforeEach(() => {
    clock.set(NOW);
    sim.resetFaults();
    sim.resetCounters();
    quota = new CountingQuota();
    client = new BlizzardClient({ config: blizzardConfigFor(sim), logger, quota, retryDelaysMs: [] });
    const c = who();
    sim.setActivity(c.region, c.realm.slug, c.name, ROUTINE);
    sim.logIn(c.region, c.realm.slug, c.name);
  });

  it('reads the rating, this period’s best runs and each boss’s last kill relative to the simulator’s clock', async () => {
    const c = who();
    const start = resetPeriodAt(clock.now(), 'us', DEFAULT_RESETS).startsAt;
    expect(start.toISOString()).to.equal('2026-12-08T15:00:00.000Z');

    const mplus = await client.getMythicPlus(c.region, c.realm.slug, c.name);
    expect(mplus.kind).to.equal('ok');
    if (mplus.kind !== 'ok') return;
    expect(mplus.data.score).to.equal(2714.5);
    expect(mplus.data.color).to.deep.equal({ r: 255, g: 128, b: 0, a: 1 });
    expect(mplus.lastModified).to.equal(new Date(c.lastModified).toUTCString());
    const runs = runsThisWeek(mplus.data.runs, start);
    expect(runs.map((r) => [r.keystoneLevel, r.inTime])).to.deep.equal([[12, true], [9, false]]);

    const raids = await client.getRaids(c.region, c.realm.slug, c.name);
    expect(raids.kind).to.equal('ok');
    if (raids.kind !== 'ok') return;
    expect(raidKillsThisWeek(raids.data.encounters, start)).to.deep.equal({ lfr: 0, normal: 1, heroic: 2, mythic: 0 });
    const mythic = raids.data.encounters.find((e) => e.difficulty === 'mythic');
    expect(mythic?.lastKillAt).to.equal(start.getTime() - 7 * DAY + 2 * DAY);
    expect(raids.data.modes.find((m) => m.instanceName === 'The Voidspire' && m.difficulty === 'heroic')).to.deep.include({ completed: 2, total: 6 });
    expect(raids.data.encounters.map((e) => e.encounterName)).to.include(RAID_BOSSES[7].name);
    expect(greatVault(raids.data.encounters, mplus.data.runs, start).raid[0]).to.deep.equal({ threshold: 2, unlocked: true, difficulty: 'heroic' });
    expect(quota.acquired).to.equal(2);
  });

  it('shows nothing after the last log-in, and the log-in moves the validators', async () => {
    const c = who();
    const first = await client.getRaids(c.region, c.realm.slug, c.name);
    if (first.kind !== 'ok') throw new Error(first.kind);
    clock.advance(2 * DAY); // Friday: the mythic kill of this week has happened, but the character has not logged in
    const unchanged = await client.getRaids(c.region, c.realm.slug, c.name, { ifModifiedSince: first.lastModified ?? undefined });
    expect(unchanged).to.deep.equal({ kind: 'not_modified' });
    expect(sim.counters().blizzard.notModified).to.equal(1);

    sim.logIn(c.region, c.realm.slug, c.name);
    const after = await client.getRaids(c.region, c.realm.slug, c.name, { ifModifiedSince: first.lastModified ?? undefined });
    if (after.kind !== 'ok') throw new Error(after.kind);
    const start = resetPeriodAt(clock.now(), 'us', DEFAULT_RESETS).startsAt;
    expect(raidKillsThisWeek(after.data.encounters, start)).to.deep.equal({ lfr: 0, normal: 1, heroic: 2, mythic: 1 });
  });

  it('answers 404 for the Mythic+ profile of a character with no runs, which the client reads as no runs', async () => {
    const c = who();
    sim.setActivity(c.region, c.realm.slug, c.name, { mythicPlus: null, kills: [] });
    expect(await client.getMythicPlus(c.region, c.realm.slug, c.name)).to.deep.equal({ kind: 'ok', data: { score: null, color: null, runs: [] }, lastModified: null });
    expect(sim.counters().blizzard.byPath[`/blizzard/us/profile/wow/character/${c.realm.slug}/${c.name.toLowerCase()}/mythic-keystone-profile`]).to.equal(1);
    const raids = await client.getRaids(c.region, c.realm.slug, c.name);
    expect(raids).to.deep.include({ kind: 'ok', data: { modes: [], encounters: [] } });
    const unknown = sim.world.unknownCharacter;
    expect(await client.getRaids(unknown.region, unknown.realmSlug, unknown.name)).to.deep.equal({ kind: 'not_found' });
  });

  it('gives the same outcomes as the other endpoints for an outage, a 429 and a body of the wrong shape', async () => {
    const c = who();
    sim.setFaults({ outage: true });
    expect((await client.getMythicPlus(c.region, c.realm.slug, c.name)).kind).to.equal('unavailable');
    expect((await client.getRaids(c.region, c.realm.slug, c.name)).kind).to.equal('unavailable');
    sim.setFaults({ outage: false, activityThrottled: true });
    expect(await client.getMythicPlus(c.region, c.realm.slug, c.name)).to.deep.equal({ kind: 'rate_limited', retryAfterMs: 1000 });
    expect(await client.getRaids(c.region, c.realm.slug, c.name)).to.deep.equal({ kind: 'rate_limited', retryAfterMs: 1000 });
    expect((await client.getProfile(c.region, c.realm.slug, c.name)).kind, 'the profile still answers').to.equal('ok');
    sim.setFaults({ activityThrottled: false, malformed: true });
    expect((await client.getMythicPlus(c.region, c.realm.slug, c.name)).kind).to.equal('bad_data');
    expect((await client.getRaids(c.region, c.realm.slug, c.name)).kind).to.equal('bad_data');
  });

  it('generates varied activity for characters no test has set', async () => {
    const characters = sim.world.guilds[1]!.roster.filter((c) => c.level >= LEVEL_CAP);
    const levels = new Set<number>();
    let noProfile = 0;
    let bosses = 0;
    for (const c of characters) {
      sim.logIn(c.region, c.realm.slug, c.name);
      const mplus = await client.getMythicPlus(c.region, c.realm.slug, c.name);
      const raids = await client.getRaids(c.region, c.realm.slug, c.name);
      if (mplus.kind !== 'ok' || raids.kind !== 'ok') throw new Error(`${mplus.kind} ${raids.kind}`);
      if (mplus.data.score === null) noProfile += 1;
      for (const r of mplus.data.runs) levels.add(r.keystoneLevel);
      bosses += raids.data.encounters.length;
    }
    expect(levels.size).to.be.greaterThan(3);
    expect(noProfile).to.be.greaterThan(0).and.lessThan(characters.length);
    expect(bosses).to.be.greaterThan(characters.length);
  });
});
