import { expect } from 'chai';
import fc from 'fast-check';
import {
  DEFAULT_RESETS, RAID_DIFFICULTIES, greatVault, isActivityDue, parseRaidDifficulty, raidKillsThisWeek, resetPeriodAt, runsThisWeek, vaultSlots,
  weeklySummary, type MythicPlusRun, type RaidDifficulty, type RaidEncounter,
} from '../../../src/domain/index.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

// Tuesday 2026-12-08 15:00 UTC is a US reset; Wednesday 2026-12-09 04:00 UTC an EU one.
const US_RESET = Date.parse('2026-12-08T15:00:00Z');
const EU_RESET = Date.parse('2026-12-09T04:00:00Z');

const kill = (encounterId: number, difficulty: RaidDifficulty, lastKillAt: number | null, instanceId = 1): RaidEncounter => ({
  instanceId, instanceName: 'The Voidspire', difficulty, encounterId, encounterName: `Boss ${encounterId}`, lastKillAt,
});
const run = (keystoneLevel: number, completedAt: number, dungeonId = keystoneLevel): MythicPlusRun => ({
  dungeonId, dungeon: `Dungeon ${dungeonId}`, keystoneLevel, completedAt, inTime: true,
});

describe('activity: the reset period', () => {
  it('starts at the region’s last reset at or before the instant (US Tuesday 15:00, EU Wednesday 04:00)', () => {
    expect(resetPeriodAt(new Date(US_RESET - 1000), 'us', DEFAULT_RESETS).startsAt.toISOString()).to.equal('2026-12-01T15:00:00.000Z');
    expect(resetPeriodAt(new Date(US_RESET), 'us', DEFAULT_RESETS).startsAt.toISOString()).to.equal('2026-12-08T15:00:00.000Z');
    expect(resetPeriodAt(new Date(US_RESET), 'us', DEFAULT_RESETS).endsAt.toISOString()).to.equal('2026-12-15T15:00:00.000Z');
    expect(resetPeriodAt(new Date(EU_RESET - 1000), 'eu', DEFAULT_RESETS).startsAt.toISOString()).to.equal('2026-12-02T04:00:00.000Z');
    expect(resetPeriodAt(new Date(EU_RESET), 'eu', DEFAULT_RESETS).startsAt.toISOString()).to.equal('2026-12-09T04:00:00.000Z');
  });
});

describe('activity: raid kills this week', () => {
  const start = new Date(US_RESET);

  it('counts distinct bosses per difficulty killed at or after the reset instant', () => {
    const kills = raidKillsThisWeek(
      [
        kill(1, 'normal', US_RESET), // exactly at the reset: this week
        kill(2, 'normal', US_RESET - 1), // a millisecond before: last week
        kill(1, 'heroic', US_RESET + DAY),
        kill(3, 'heroic', US_RESET + DAY),
        kill(4, 'mythic', null),
        kill(1, 'normal', US_RESET + 2 * DAY, 2), // same encounter id in another instance is another boss
      ],
      start,
    );
    expect(kills).to.deep.equal({ lfr: 0, normal: 2, heroic: 2, mythic: 0 });
  });

  it('reads Battle.net’s difficulty types', () => {
    expect(['LFR', 'NORMAL', 'HEROIC', 'MYTHIC', 'MYTHIC_KEYSTONE'].map(parseRaidDifficulty)).to.deep.equal(['lfr', 'normal', 'heroic', 'mythic', null]);
  });
});

describe('activity: Great Vault', () => {
  const start = new Date(EU_RESET);

  it('unlocks raid slots at 2, 4 and 6 distinct bosses, each at the difficulty of its threshold-th best boss', () => {
    const encounters = [
      kill(1, 'mythic', EU_RESET + HOUR),
      kill(1, 'heroic', EU_RESET + HOUR), // the same boss on heroic counts once, at mythic
      kill(2, 'heroic', EU_RESET + HOUR),
      kill(3, 'heroic', EU_RESET + HOUR),
      kill(4, 'normal', EU_RESET + HOUR),
      kill(5, 'normal', EU_RESET - HOUR), // last week
    ];
    const vault = greatVault(encounters, [], start);
    expect(vault.raid).to.deep.equal([
      { threshold: 2, unlocked: true, difficulty: 'heroic' },
      { threshold: 4, unlocked: true, difficulty: 'normal' },
      { threshold: 6, unlocked: false, difficulty: null },
    ]);
    expect(vault.world).to.equal(null);
  });

  it('unlocks dungeon slots at 1, 4 and 8 runs, each at the threshold-th highest key', () => {
    const runs = [12, 10, 7, 15, 9].map((level, i) => run(level, EU_RESET + i * HOUR));
    const vault = greatVault([], [...runs, run(20, EU_RESET - 1)], start);
    expect(vault.dungeons).to.deep.equal([
      { threshold: 1, unlocked: true, keystoneLevel: 15 },
      { threshold: 4, unlocked: true, keystoneLevel: 9 },
      { threshold: 8, unlocked: false, keystoneLevel: null },
    ]);
    expect(vaultSlots(vault)).to.equal(2);
    expect(runsThisWeek(runs, start).map((r) => r.keystoneLevel)).to.deep.equal([15, 12, 10, 9, 7]);
  });

  it('summarises slots, bosses and runs for the overview', () => {
    const summary = weeklySummary(
      { modes: [], encounters: [kill(1, 'normal', EU_RESET), kill(2, 'normal', EU_RESET)] },
      { score: 2500, color: null, runs: [run(10, EU_RESET)] },
      start,
    );
    expect(summary).to.deep.equal({ periodStart: start, vaultSlots: 2, raidBosses: 2, runs: 1 });
  });
});

describe('activity: properties', () => {
  const start = US_RESET;
  const week = 7 * DAY;
  const difficulty = fc.constantFrom(...RAID_DIFFICULTIES);
  const instant = fc.integer({ min: start - 2 * week, max: start + week - 1 });
  const encounter = fc.record({ id: fc.integer({ min: 1, max: 9 }), difficulty, at: fc.option(instant, { nil: null }) })
    .map((e) => kill(e.id, e.difficulty, e.at));
  const mplusRun = fc.record({ level: fc.integer({ min: 2, max: 25 }), at: instant, dungeon: fc.integer({ min: 1, max: 8 }) })
    .map((r) => run(r.level, r.at, r.dungeon));
  const rankOf = (d: RaidDifficulty | null) => (d === null ? -1 : RAID_DIFFICULTIES.indexOf(d));

  it('vault slots never decrease, nor their rewards drop, when kills or runs are added within the week', () => {
    fc.assert(
      fc.property(fc.array(encounter, { maxLength: 30 }), fc.array(mplusRun, { maxLength: 12 }), fc.array(encounter, { maxLength: 10 }), fc.array(mplusRun, { maxLength: 6 }),
        (kills, runs, moreKills, moreRuns) => {
          const before = greatVault(kills, runs, new Date(start));
          const after = greatVault([...kills, ...moreKills], [...runs, ...moreRuns], new Date(start));
          expect(vaultSlots(after)).to.be.at.least(vaultSlots(before));
          after.raid.forEach((slot, i) => expect(rankOf(slot.difficulty)).to.be.at.least(rankOf(before.raid[i]!.difficulty)));
          after.dungeons.forEach((slot, i) => expect(slot.keystoneLevel ?? -1).to.be.at.least(before.dungeons[i]!.keystoneLevel ?? -1));
        }),
    );
  });

  it('kills and runs before the reset never count', () => {
    fc.assert(
      fc.property(fc.array(encounter, { maxLength: 30 }), fc.array(mplusRun, { maxLength: 12 }), (kills, runs) => {
        const old = kills.map((k) => ({ ...k, lastKillAt: k.lastKillAt === null ? null : Math.min(k.lastKillAt, start - 1) }));
        const oldRuns = runs.map((r) => ({ ...r, completedAt: Math.min(r.completedAt, start - 1) }));
        expect(raidKillsThisWeek(old, new Date(start))).to.deep.equal({ lfr: 0, normal: 0, heroic: 0, mythic: 0 });
        expect(vaultSlots(greatVault(old, oldRuns, new Date(start)))).to.equal(0);
        // And adding them to this week's activity changes nothing.
        const thisWeek = kills.filter((k) => k.lastKillAt !== null && k.lastKillAt >= start);
        expect(raidKillsThisWeek([...thisWeek, ...old], new Date(start))).to.deep.equal(raidKillsThisWeek(thisWeek, new Date(start)));
      }),
    );
  });
});

describe('activity: when it is worth a request', () => {
  const t = (iso: string) => new Date(iso);
  it('is due when never fetched, or after a log-in since the last fetch', () => {
    expect(isActivityDue({ lastLoginAt: null, fetchedLoginAt: null, fetchedAt: null })).to.equal(true);
    expect(isActivityDue({ lastLoginAt: t('2026-12-09T10:00:00Z'), fetchedLoginAt: t('2026-12-09T10:00:00Z'), fetchedAt: t('2026-12-09T11:00:00Z') })).to.equal(false);
    expect(isActivityDue({ lastLoginAt: t('2026-12-09T10:00:01Z'), fetchedLoginAt: t('2026-12-09T10:00:00Z'), fetchedAt: t('2026-12-09T11:00:00Z') })).to.equal(true);
    expect(isActivityDue({ lastLoginAt: null, fetchedLoginAt: null, fetchedAt: t('2026-12-09T11:00:00Z') })).to.equal(false);
    expect(isActivityDue({ lastLoginAt: t('2026-12-09T10:00:00Z'), fetchedLoginAt: null, fetchedAt: t('2026-12-09T11:00:00Z') })).to.equal(true);
  });
});
