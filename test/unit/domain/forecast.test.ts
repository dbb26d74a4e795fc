import { expect } from 'chai';
import fc from 'fast-check';
import {
  addDays, DEFAULT_SEASON_PLAN, planHorizon, projectWeek, roundTo1, weeklyGain, type IlvlSample, type PlanWeek,
} from '../../../src/domain/index.js';

const TODAY = '2026-12-24';

/** One point a day for `days` days ending today, on the line start + gain·(days since start)/7, in tenths. */
function linearHistory(startTenths: number, gainTenths: number, days: number): IlvlSample[] {
  return Array.from({ length: days }, (_, i) => ({
    date: addDays(TODAY, i - days + 1),
    itemLevel: roundTo1((startTenths + (gainTenths * i) / 7) / 10),
  }));
}

/** Weekly points only, each a whole gain above the last: the shape of gear bought at each reset. */
function weeklySteps(startTenths: number, gainTenths: number, weeks: number): IlvlSample[] {
  return Array.from({ length: weeks + 1 }, (_, i) => ({ date: addDays(TODAY, 7 * (i - weeks)), itemLevel: (startTenths + gainTenths * i) / 10 }));
}

const flatPlan = (fromWeek: number, count: number, target: number): PlanWeek[] =>
  Array.from({ length: count }, (_, i) => ({ week: fromWeek + i, targetIlvl: target }));

/** A non-decreasing plan from the current week on. */
const monotonePlan = fc
  .tuple(fc.integer({ min: -2, max: 20 }), fc.integer({ min: 1800, max: 2800 }), fc.array(fc.integer({ min: 0, max: 80 }), { minLength: 1, maxLength: 30 }))
  .map(([current, startTenths, steps]) => {
    let target = startTenths;
    return { current, weeks: steps.map((step, i) => ({ week: current + i, targetIlvl: (target += i === 0 ? 0 : step) / 10 })) };
  });

/** null (never) sorts after every week. */
const order = (week: number | null) => week ?? Number.POSITIVE_INFINITY;

describe('weekly gain', () => {
  it('is the median of the last four weekly deltas, counted back from the latest point', () => {
    const history = [
      { date: '2026-11-26', itemLevel: 240 },
      { date: '2026-12-03', itemLevel: 243 },
      { date: '2026-12-10', itemLevel: 244 },
      { date: '2026-12-17', itemLevel: 248 },
      { date: '2026-12-24', itemLevel: 250 },
    ];
    // Deltas 2, 4, 1, 3: the median is 2.5.
    expect(weeklyGain(history, TODAY)).to.deep.equal({ weeklyGain: 2.5, confidence: 'medium', weeksMeasured: 4 });
    expect(weeklyGain(history, '2026-12-20').weeksMeasured).to.equal(3);
  });

  it('needs a full week of history', () => {
    expect(weeklyGain([], TODAY)).to.deep.equal({ weeklyGain: null, confidence: null, weeksMeasured: 0 });
    expect(weeklyGain(linearHistory(2400, 30, 6), TODAY).weeklyGain).to.equal(null);
    expect(weeklyGain(linearHistory(2400, 30, 8), TODAY)).to.deep.include({ weeklyGain: 3, weeksMeasured: 1, confidence: 'low' });
  });

  it('is high confidence for a steady pace and low for an erratic one', () => {
    expect(weeklyGain(weeklySteps(2400, 30, 4), TODAY).confidence).to.equal('high');
    const erratic = [0, 9, 0, 1, 8].map((d, i, all) => ({ date: addDays(TODAY, 7 * (i - 4)), itemLevel: 240 + all.slice(0, i + 1).reduce((a, b) => a + b, 0) }));
    expect(weeklyGain(erratic, TODAY).confidence).to.equal('low');
  });

  it('measures a constant gain exactly, from daily or weekly points (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1800, max: 2800 }), fc.integer({ min: -50, max: 120 }), fc.integer({ min: 29, max: 84 }), (start, gain, days) => {
        expect(weeklyGain(linearHistory(start, gain, days), TODAY).weeklyGain).to.equal(gain / 10);
        expect(weeklyGain(weeklySteps(start, gain, 4), TODAY)).to.deep.include({ weeklyGain: gain / 10, confidence: 'high' });
      }),
    );
  });

  it('is not moved by a one-day spike anywhere in the history (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1800, max: 2800 }), fc.integer({ min: 0, max: 120 }), fc.integer({ min: 29, max: 84 }),
        fc.nat(), fc.integer({ min: -400, max: 400 }),
        (start, gain, days, at, spike) => {
          const history = linearHistory(start, gain, days);
          const i = at % days;
          history[i] = { ...history[i]!, itemLevel: roundTo1(history[i]!.itemLevel + spike / 10) };
          expect(weeklyGain(history, TODAY).weeklyGain).to.equal(gain / 10);
        },
      ),
    );
  });

  it('is not broken by missing days (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1800, max: 2800 }), fc.integer({ min: 0, max: 120 }), fc.integer({ min: 29, max: 84 }),
        fc.array(fc.boolean(), { minLength: 84, maxLength: 84 }),
        (start, gain, days, keep) => {
          const full = linearHistory(start, gain, days);
          // The first and the latest point stay, so every week of the window lies between two points.
          const sparse = full.filter((_, i) => i === 0 || i === days - 1 || keep[i]);
          expect(weeklyGain(sparse, TODAY).weeklyGain).to.equal(gain / 10);
          // A character not fetched for a few days: the weeks are counted back from its latest point.
          expect(weeklyGain(sparse, addDays(TODAY, 3)).weeklyGain).to.equal(gain / 10);
        },
      ),
    );
  });

  it('ignores points after today and keeps the later of two points on one day', () => {
    const history = [...weeklySteps(2400, 20, 4), { date: addDays(TODAY, 1), itemLevel: 400 }];
    expect(weeklyGain(history, TODAY).weeklyGain).to.equal(2);
    const twice = [...weeklySteps(2400, 20, 4), { date: TODAY, itemLevel: 240 + 4 * 2 + 4 }];
    expect(weeklyGain(twice, TODAY).weeklyGain).to.equal(2);
  });
});

describe('projected week', () => {
  it('is the first week whose target the projection meets', () => {
    const plan = [
      { week: 3, targetIlvl: 260 },
      { week: 4, targetIlvl: 262 },
      { week: 5, targetIlvl: 264 },
      { week: 6, targetIlvl: 266 },
    ];
    // 255 + 4/week: 259 (<262) in week 4, 263 (<264) in week 5, 267 (≥266) in week 6.
    expect(projectWeek(255, 4, 3, plan)).to.deep.equal({
      projectedWeek: 6,
      reason: null,
      message: 'Meets the plan in week 6 (target 266) at +4 iLvl per week',
    });
    expect(projectWeek(260, 0, 3, plan)).to.deep.include({ projectedWeek: 3, message: 'On track this week (target 260)' });
    expect(projectWeek(255, 1, 3, plan)).to.deep.equal({
      projectedWeek: null,
      reason: 'not_at_this_pace',
      message: 'Not at this pace: +1 iLvl per week does not meet the plan by week 6',
    });
    expect(projectWeek(255, null, 3, plan)).to.deep.include({ projectedWeek: null, reason: 'not_enough_history' });
    expect(projectWeek(null, 3, 3, plan)).to.deep.include({ projectedWeek: null, reason: 'no_item_level' });
  });

  it('projects the exact week for a constant gain (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1800, max: 2800 }), fc.integer({ min: 1, max: 120 }), fc.integer({ min: 1, max: 400 }), fc.integer({ min: -2, max: 30 }),
        (currentTenths, gainTenths, behindTenths, current) => {
          const history = weeklySteps(currentTenths - 4 * gainTenths, gainTenths, 4);
          const { weeklyGain: gain } = weeklyGain(history, TODAY);
          const target = (currentTenths + behindTenths) / 10;
          const weeksNeeded = Math.ceil(behindTenths / gainTenths);
          const plan = flatPlan(current, weeksNeeded + 5, target);
          expect(projectWeek(currentTenths / 10, gain, current, plan).projectedWeek).to.equal(current + weeksNeeded);
        },
      ),
    );
  });

  it('says "not at this pace" with no gain while behind (property)', () => {
    fc.assert(
      fc.property(monotonePlan, fc.integer({ min: 1, max: 300 }), fc.integer({ min: -30, max: 0 }), (plan, behindTenths, gainTenths) => {
        const first = plan.weeks[0]!.targetIlvl;
        const current = roundTo1(first - behindTenths / 10);
        const flat = weeklyGain(weeklySteps(current * 10, gainTenths, 4), TODAY).weeklyGain;
        expect(projectWeek(current, flat, plan.current, plan.weeks)).to.deep.include({ projectedWeek: null, reason: 'not_at_this_pace' });
      }),
    );
  });

  it('comes no later for a faster pace, a higher item level or a lower plan (property)', () => {
    fc.assert(
      fc.property(
        monotonePlan, fc.integer({ min: 1800, max: 2800 }), fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 50 }),
        (plan, ilvlTenths, gainTenths, more, lower) => {
          const base = projectWeek(ilvlTenths / 10, gainTenths / 10, plan.current, plan.weeks).projectedWeek;
          const faster = projectWeek(ilvlTenths / 10, (gainTenths + more) / 10, plan.current, plan.weeks).projectedWeek;
          const stronger = projectWeek((ilvlTenths + more) / 10, gainTenths / 10, plan.current, plan.weeks).projectedWeek;
          const easier = plan.weeks.map((w) => ({ ...w, targetIlvl: roundTo1(w.targetIlvl - lower / 10) }));
          const eased = projectWeek(ilvlTenths / 10, gainTenths / 10, plan.current, easier).projectedWeek;
          expect(order(faster)).to.be.at.most(order(base));
          expect(order(stronger)).to.be.at.most(order(base));
          expect(order(eased)).to.be.at.most(order(base));
          if (base !== null) expect(base).to.be.within(plan.current, plan.weeks.at(-1)!.week);
        },
      ),
    );
  });
});

describe('plan horizon', () => {
  it('lists the current week, the rest of the plan, and at least eight weeks ahead at the last target', () => {
    const during = planHorizon(DEFAULT_SEASON_PLAN, new Date('2026-04-08T12:00:00Z'), 'us');
    expect(during.currentWeek).to.equal(4);
    expect(during.weeks.map((w) => w.week)).to.deep.equal([4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(during.weeks[0]).to.deep.equal({ week: 4, targetIlvl: 274 });
    const after = planHorizon(DEFAULT_SEASON_PLAN, new Date('2026-11-30T12:00:00Z'), 'us');
    expect(after.weeks).to.have.length(9);
    expect(after.weeks.every((w) => w.targetIlvl === 289)).to.equal(true);
    expect(after.weeks[0]!.week).to.equal(after.currentWeek);
  });
});
