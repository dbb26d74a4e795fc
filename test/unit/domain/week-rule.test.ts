import { expect } from 'chai';
import fc from 'fast-check';
import { ConfigError, loadConfig } from '../../../src/config.js';
import {
  DEFAULT_RESETS, DEFAULT_SEASON_PLAN, REGIONS, formatWeeklyReset, nextResetAfter, parseWeeklyReset, planAt, resetSchedule,
  roadmapAt, weekAt, weekStartsAt, type RegionCode, type ResetSchedule, type SeasonPlan,
} from '../../../src/domain/index.js';

import { decemberPlan } from '../../fixtures/december-plan.js';

const at = (iso: string) => new Date(iso);
const SECOND = 1000;
const HOUR = 3600 * SECOND;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;

const DECEMBER = decemberPlan('Test', [600, 610, 620, 630]);

/** The same rule written the slow, obvious way, to check the real one against. */
function referenceWeek(plan: SeasonPlan, t: number, region: RegionCode, schedule: ResetSchedule = DEFAULT_RESETS) {
  const rows = [...plan.weeks].sort((a, b) => a.week - b.week);
  const starts = rows.map((r) => weekStartsAt(r.startDate, region, schedule, r.isGlobal).getTime());
  let index = 0;
  starts.forEach((s, i) => {
    if (s <= t) index = i;
  });
  const last = rows.length - 1;
  if (index === last) {
    const own = weekStartsAt(rows[last]!.startDate, region, schedule).getTime();
    let extra = 0;
    while (own + (extra + 1) * WEEK <= t) extra += 1;
    return { week: rows[last]!.week + extra, target: rows[last]!.targetIlvl };
  }
  return { week: rows[index]!.week, target: rows[index]!.targetIlvl };
}

describe('weekly resets', () => {
  it('default to US Tuesday 15:00, EU Wednesday 04:00, KR and TW Wednesday 23:00 (UTC)', () => {
    expect(Object.keys(DEFAULT_RESETS)).to.deep.equal([...REGIONS]);
    expect(REGIONS.map((r) => formatWeeklyReset(DEFAULT_RESETS[r]))).to.deep.equal(['tue 15:00', 'wed 04:00', 'wed 23:00', 'wed 23:00']);
  });

  it('are read as a weekday and a UTC time, in short or long form', () => {
    expect(parseWeeklyReset('tue 15:00')).to.deep.equal({ weekday: 2, minuteOfDay: 900 });
    expect(parseWeeklyReset(' Wednesday 4:00 ')).to.deep.equal({ weekday: 3, minuteOfDay: 240 });
    expect(parseWeeklyReset('SUN 23:59')).to.deep.equal({ weekday: 0, minuteOfDay: 1439 });
    for (const bad of ['tue', '15:00', 'tuesday 24:00', 'tu 15:00', 'wed 4:60', 'funday 10:00', '']) {
      expect(() => parseWeeklyReset(bad), bad).to.throw(RangeError, /weekday and a UTC time/);
    }
  });

  it('put each region at its own instant of the week a plan row names by its US reset day', () => {
    expect(weekStartsAt('2026-12-08', 'us', DEFAULT_RESETS).toISOString()).to.equal('2026-12-08T15:00:00.000Z');
    expect(weekStartsAt('2026-12-08', 'eu', DEFAULT_RESETS).toISOString()).to.equal('2026-12-09T04:00:00.000Z');
    expect(weekStartsAt('2026-12-08', 'kr', DEFAULT_RESETS).toISOString()).to.equal('2026-12-09T23:00:00.000Z');
    expect(weekStartsAt('2026-12-08', 'tw', DEFAULT_RESETS).toISOString()).to.equal('2026-12-09T23:00:00.000Z');
    expect(weekStartsAt('2026-12-29', 'eu', DEFAULT_RESETS).toISOString()).to.equal('2026-12-30T04:00:00.000Z');
    expect(weekStartsAt('2024-12-31', 'eu', DEFAULT_RESETS).toISOString()).to.equal('2025-01-01T04:00:00.000Z');
    // A day that is not the US reset day still starts at each region's first reset from then on.
    expect(weekStartsAt('2026-12-10', 'us', DEFAULT_RESETS).toISOString()).to.equal('2026-12-15T15:00:00.000Z');
  });

  it('start a global (launch) week at the US instant in every region', () => {
    for (const region of REGIONS) {
      expect(weekStartsAt('2026-02-26', region, DEFAULT_RESETS, true).toISOString(), region).to.equal('2026-02-26T15:00:00.000Z');
    }
  });

  it('give the next reset strictly after an instant', () => {
    expect(nextResetAfter(at('2026-12-08T14:59:59Z'), 'us', DEFAULT_RESETS).toISOString()).to.equal('2026-12-08T15:00:00.000Z');
    expect(nextResetAfter(at('2026-12-08T15:00:00Z'), 'us', DEFAULT_RESETS).toISOString()).to.equal('2026-12-15T15:00:00.000Z');
    expect(nextResetAfter(at('2026-12-09T03:59:59.999Z'), 'eu', DEFAULT_RESETS).toISOString()).to.equal('2026-12-09T04:00:00.000Z');
    expect(nextResetAfter(at('2026-12-09T04:00:00Z'), 'eu', DEFAULT_RESETS).toISOString()).to.equal('2026-12-16T04:00:00.000Z');
    expect(nextResetAfter(at('2026-12-10T00:00:00Z'), 'kr', DEFAULT_RESETS).toISOString()).to.equal('2026-12-16T23:00:00.000Z');
  });

  it('are overridden per region by configuration, and a bad value names its variable', () => {
    const config = loadConfig({ JWT_SECRET_KEY: 'k', WEEKLY_RESET_EU: 'thu 05:30', WEEKLY_RESET_TW: 'Thursday 00:15' });
    expect(config.weeklyResets).to.deep.equal(resetSchedule({ eu: { weekday: 4, minuteOfDay: 330 }, tw: { weekday: 4, minuteOfDay: 15 } }));
    expect(config.weeklyResets.us).to.deep.equal(DEFAULT_RESETS.us);
    expect(loadConfig({ JWT_SECRET_KEY: 'k', WEEKLY_RESET_US: '' }).weeklyResets).to.deep.equal(DEFAULT_RESETS);
    expect(() => loadConfig({ JWT_SECRET_KEY: 'k', WEEKLY_RESET_KR: 'someday' }))
      .to.throw(ConfigError, /WEEKLY_RESET_KR: "someday" is not a weekly reset/);
  });
});

describe('weekAt: which week it is at an instant in a region', () => {
  it('turns a US week at 15:00:00 UTC on its Tuesday, not at midnight', () => {
    expect(weekAt(DECEMBER, at('2026-12-08T00:00:00Z'), 'us')).to.deep.include({ week: 1, targetIlvl: 610 });
    expect(weekAt(DECEMBER, at('2026-12-08T14:50:00Z'), 'us')).to.deep.include({ week: 1, targetIlvl: 610 });
    expect(weekAt(DECEMBER, at('2026-12-08T14:59:59Z'), 'us')).to.deep.include({ week: 1, targetIlvl: 610 });
    expect(weekAt(DECEMBER, at('2026-12-08T14:59:59.999Z'), 'us')).to.deep.include({ week: 1 });
    expect(weekAt(DECEMBER, at('2026-12-08T15:00:00Z'), 'us')).to.deep.include({ week: 2, targetIlvl: 620, startDate: '2026-12-08' });
  });

  it('turns an EU week at 04:00:00 UTC on the Wednesday after', () => {
    expect(weekAt(DECEMBER, at('2026-12-08T15:00:00Z'), 'eu')).to.deep.include({ week: 1 });
    expect(weekAt(DECEMBER, at('2026-12-09T03:50:00Z'), 'eu')).to.deep.include({ week: 1, targetIlvl: 610 });
    expect(weekAt(DECEMBER, at('2026-12-09T03:59:59Z'), 'eu')).to.deep.include({ week: 1, targetIlvl: 610 });
    expect(weekAt(DECEMBER, at('2026-12-09T04:00:00Z'), 'eu')).to.deep.include({ week: 2, targetIlvl: 620, startDate: '2026-12-09' });
  });

  it('turns KR and TW weeks at 23:00:00 UTC on that Wednesday (Thursday morning there)', () => {
    for (const region of ['kr', 'tw'] as const) {
      expect(weekAt(DECEMBER, at('2026-12-09T22:59:59Z'), region), region).to.deep.include({ week: 1 });
      expect(weekAt(DECEMBER, at('2026-12-09T23:00:00Z'), region), region).to.deep.include({ week: 2, startDate: '2026-12-09' });
    }
  });

  it('says when the answer next changes: the next reset, or the next plan week if sooner', () => {
    const week = weekAt(DECEMBER, at('2026-12-08T14:59:59Z'), 'us');
    expect(week.startsAt.toISOString()).to.equal('2026-12-01T15:00:00.000Z');
    expect(week.endsAt.toISOString()).to.equal('2026-12-08T15:00:00.000Z');
    expect(weekAt(DECEMBER, at('2026-12-09T04:00:00Z'), 'eu').endsAt.toISOString()).to.equal('2026-12-16T04:00:00.000Z');
    // Early Access began on a Thursday; pre-season week 1 begins five days later, at the next US reset.
    expect(weekAt(DEFAULT_SEASON_PLAN, at('2026-02-27T00:00:00Z'), 'us').endsAt.toISOString()).to.equal('2026-03-03T15:00:00.000Z');
  });

  it('gives the first week before the season starts', () => {
    expect(weekAt(DECEMBER, at('2020-01-01T00:00:00Z'), 'eu')).to.deep.include({ week: 0, targetIlvl: 600 });
    expect(weekAt(DEFAULT_SEASON_PLAN, at('2026-02-26T14:59:59Z'), 'eu')).to.deep.include({ week: -2, targetIlvl: 200 });
  });

  it('starts the global launch week at the US instant everywhere, and the next week at each region\'s reset', () => {
    for (const region of REGIONS) {
      expect(weekAt(DEFAULT_SEASON_PLAN, at('2026-02-26T15:00:00Z'), region), region).to.deep.include({ week: -2, startDate: '2026-02-26' });
    }
    expect(weekAt(DEFAULT_SEASON_PLAN, at('2026-03-03T15:00:00Z'), 'us')).to.deep.include({ week: -1 });
    expect(weekAt(DEFAULT_SEASON_PLAN, at('2026-03-03T15:00:00Z'), 'eu')).to.deep.include({ week: -2 });
    expect(weekAt(DEFAULT_SEASON_PLAN, at('2026-03-04T04:00:00Z'), 'eu')).to.deep.include({ week: -1, startDate: '2026-03-04' });
  });

  it('keeps counting after the last dated week, at each reset, with the last target', () => {
    expect(weekAt(DECEMBER, at('2026-12-22T14:59:59Z'), 'us')).to.deep.include({ week: 3, targetIlvl: 630 });
    expect(weekAt(DECEMBER, at('2026-12-22T15:00:00Z'), 'us')).to.deep.include({
      week: 4, targetIlvl: 630, startDate: '2026-12-22', description: 'Week 4: the week 3 target still applies',
    });
    expect(weekAt(DECEMBER, at('2026-12-23T03:59:59Z'), 'eu')).to.deep.include({ week: 3 });
    expect(weekAt(DECEMBER, at('2026-12-23T04:00:00Z'), 'eu')).to.deep.include({ week: 4, startDate: '2026-12-23' });
    expect(weekAt(DEFAULT_SEASON_PLAN, at('2026-11-30T20:00:00Z'), 'us')).to.deep.include({ week: 37, targetIlvl: 289, startDate: '2026-11-24' });
  });

  it('reads a plan listed out of order in week order, and refuses a plan without weeks', () => {
    const shuffled: SeasonPlan = { ...DECEMBER, weeks: [...DECEMBER.weeks].reverse() };
    expect(weekAt(shuffled, at('2026-12-08T15:00:00Z'), 'us').week).to.equal(2);
    expect(() => weekAt({ expansion: 'X', season: 'S', weeks: [] }, at('2026-12-08T15:00:00Z'), 'us')).to.throw(RangeError, /no weeks/);
  });

  it('agrees with the plain reading of the rule at every second around every reset of the default plan', () => {
    for (const region of REGIONS) {
      for (const row of DEFAULT_SEASON_PLAN.weeks) {
        const start = weekStartsAt(row.startDate, region, DEFAULT_RESETS, row.isGlobal).getTime();
        for (let offset = -90 * SECOND; offset <= 90 * SECOND; offset += SECOND) {
          const t = start + offset;
          const expected = referenceWeek(DEFAULT_SEASON_PLAN, t, region);
          const actual = weekAt(DEFAULT_SEASON_PLAN, new Date(t), region);
          if (actual.week !== expected.week || actual.targetIlvl !== expected.target) {
            expect.fail(`${region} at ${new Date(t).toISOString()}: week ${actual.week}/${actual.targetIlvl}, expected ${expected.week}/${expected.target}`);
          }
        }
      }
    }
  });

  it('agrees with the plain reading of the rule every few hours through the season and long after', () => {
    const from = Date.parse('2026-02-20T00:00:00Z');
    const to = Date.parse('2027-03-01T00:00:00Z');
    for (const region of REGIONS) {
      for (let t = from; t <= to; t += 3 * HOUR + 7 * 60 * SECOND) {
        const expected = referenceWeek(DEFAULT_SEASON_PLAN, t, region);
        const actual = weekAt(DEFAULT_SEASON_PLAN, new Date(t), region);
        if (actual.week !== expected.week || actual.targetIlvl !== expected.target) {
          expect.fail(`${region} at ${new Date(t).toISOString()}: week ${actual.week}, expected ${expected.week}`);
        }
      }
    }
  });
});

describe('weekAt properties (any instant, any region, any reset schedule)', () => {
  const instant = fc.integer({ min: Date.parse('2025-06-01T00:00:00Z'), max: Date.parse('2028-01-01T00:00:00Z') });
  const region = fc.constantFrom(...REGIONS);
  const reset = fc.record({ weekday: fc.integer({ min: 0, max: 6 }), minuteOfDay: fc.integer({ min: 0, max: 1439 }) });
  const schedule = fc.record({ us: reset, eu: reset, kr: reset, tw: reset });
  const plans = fc.constantFrom(DEFAULT_SEASON_PLAN, DECEMBER);

  it('holds one answer from the instant asked until just before endsAt, and changes nothing before a reset', () => {
    fc.assert(
      fc.property(plans, instant, region, schedule, (plan, t, r, s) => {
        const now = weekAt(plan, new Date(t), r, s);
        expect(now.endsAt.getTime()).to.be.greaterThan(t);
        expect(now.endsAt.getTime() - t).to.be.at.most(WEEK);
        const justBefore = weekAt(plan, new Date(now.endsAt.getTime() - 1), r, s);
        expect([justBefore.week, justBefore.targetIlvl]).to.deep.equal([now.week, now.targetIlvl]);
      }),
      { numRuns: 400 },
    );
  });

  it('never goes back: a later instant is never an earlier week', () => {
    fc.assert(
      fc.property(plans, instant, fc.integer({ min: 0, max: 60 * DAY }), region, schedule, (plan, t, later, r, s) => {
        expect(weekAt(plan, new Date(t + later), r, s).week).to.be.at.least(weekAt(plan, new Date(t), r, s).week);
      }),
      { numRuns: 400 },
    );
  });

  it('matches the plain reading of the rule', () => {
    fc.assert(
      fc.property(plans, instant, region, schedule, (plan, t, r, s) => {
        const actual = weekAt(plan, new Date(t), r, s);
        expect({ week: actual.week, target: actual.targetIlvl }).to.deep.equal(referenceWeek(plan, t, r, s));
      }),
      { numRuns: 400 },
    );
  });

  it('has begun by the instant asked, unless the season has not started', () => {
    fc.assert(
      fc.property(plans, instant, region, schedule, (plan, t, r, s) => {
        const now = weekAt(plan, new Date(t), r, s);
        const first = Math.min(...plan.weeks.map((w) => weekStartsAt(w.startDate, r, s, w.isGlobal).getTime()));
        if (t >= first) expect(now.startsAt.getTime()).to.be.at.most(t);
        else expect(now.week).to.equal(Math.min(...plan.weeks.map((w) => w.week)));
      }),
      { numRuns: 400 },
    );
  });
});

describe('roadmapAt', () => {
  it('lists every week in order with its start day in the region, and marks the current one, flipping at the reset', () => {
    const before = roadmapAt(DECEMBER, at('2026-12-09T03:59:59Z'), 'eu');
    expect(before.map((w) => [w.week, w.startDate, w.isCurrent])).to.deep.equal([
      [0, '2026-11-24', false], [1, '2026-12-02', true], [2, '2026-12-09', false], [3, '2026-12-16', false],
    ]);
    const after = roadmapAt(DECEMBER, at('2026-12-09T04:00:00Z'), 'eu');
    expect(after.filter((w) => w.isCurrent).map((w) => w.week)).to.deep.equal([2]);
    expect(roadmapAt(DECEMBER, at('2026-12-08T14:59:59Z'), 'us').find((w) => w.isCurrent)?.week).to.equal(1);
    expect(roadmapAt(DECEMBER, at('2026-12-08T15:00:00Z'), 'us').find((w) => w.isCurrent)?.week).to.equal(2);
  });

  it('marks the first week before the season and the last week after the plan', () => {
    expect(roadmapAt(DEFAULT_SEASON_PLAN, at('2026-01-01T00:00:00Z'), 'us').find((w) => w.isCurrent)?.week).to.equal(-2);
    expect(roadmapAt(DEFAULT_SEASON_PLAN, at('2026-09-01T00:00:00Z'), 'us').find((w) => w.isCurrent)?.week).to.equal(12);
  });
});

describe('planAt', () => {
  it('takes the plan whose first week has begun in the region most recently, else the first to begin', () => {
    const next: SeasonPlan = { ...DECEMBER, season: 'Next', weeks: [{ week: 1, startDate: '2027-01-05', targetIlvl: 700, description: '', isGlobal: false }] };
    const plans = [next, DECEMBER];
    expect(planAt(plans, at('2027-01-05T14:59:59Z'), 'us')?.season).to.equal('December');
    expect(planAt(plans, at('2027-01-05T15:00:00Z'), 'us')?.season).to.equal('Next');
    expect(planAt(plans, at('2027-01-06T03:59:59Z'), 'eu')?.season).to.equal('December');
    expect(planAt(plans, at('2027-01-06T04:00:00Z'), 'eu')?.season).to.equal('Next');
    expect(planAt(plans, at('2020-01-01T00:00:00Z'), 'us')?.season).to.equal('December');
    expect(planAt([], at('2027-01-06T04:00:00Z'), 'eu')).to.equal(undefined);
  });
});
