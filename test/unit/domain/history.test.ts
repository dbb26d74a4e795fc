import { expect } from 'chai';
import { historyRange, targetLine, targetOnDay, type SeasonPlan } from '../../../src/domain/index.js';

/** Tuesdays: week 1 begins 2026-12-01 at 15:00 UTC in the US, 2026-12-02 at 04:00 UTC in the EU. */
const PLAN: SeasonPlan = {
  expansion: 'Test',
  season: 'History',
  weeks: [
    { week: 1, startDate: '2026-12-01', targetIlvl: 250, description: 'Week 1', isGlobal: false },
    { week: 2, startDate: '2026-12-08', targetIlvl: 255, description: 'Week 2', isGlobal: false },
    { week: 3, startDate: '2026-12-15', targetIlvl: 262, description: 'Week 3', isGlobal: false },
  ],
};

const summary = (line: ReturnType<typeof targetLine>) => line.map((w) => [w.week, w.startsAt.toISOString(), w.targetIlvl]);

describe('history range and target line', () => {
  it('covers 7 × weeks days ending today', () => {
    expect(historyRange('2026-12-23', 1)).to.deep.equal({ from: '2026-12-17', to: '2026-12-23' });
    expect(historyRange('2026-12-23', 12)).to.deep.equal({ from: '2026-10-01', to: '2026-12-23' });
  });

  it('lists each week in force once, at its regional reset, with its target', () => {
    const line = targetLine(PLAN, new Date('2026-12-05T00:00:00Z'), new Date('2026-12-23T12:00:00Z'), 'us');
    expect(summary(line)).to.deep.equal([
      [1, '2026-12-01T15:00:00.000Z', 250],
      [2, '2026-12-08T15:00:00.000Z', 255],
      [3, '2026-12-15T15:00:00.000Z', 262],
      // Past the plan the count goes on and the last target stays, as everywhere else.
      [4, '2026-12-22T15:00:00.000Z', 262],
    ]);
    const eu = targetLine(PLAN, new Date('2026-12-09T03:59:59Z'), new Date('2026-12-09T04:00:00Z'), 'eu');
    expect(summary(eu)).to.deep.equal([
      [1, '2026-12-02T04:00:00.000Z', 250],
      [2, '2026-12-09T04:00:00.000Z', 255],
    ]);
  });

  it('starts with the first week when the range begins before the plan', () => {
    const line = targetLine(PLAN, new Date('2026-10-01T00:00:00Z'), new Date('2026-12-02T00:00:00Z'), 'us');
    expect(summary(line)).to.deep.equal([[1, '2026-12-01T15:00:00.000Z', 250]]);
  });

  it('gives the week in force at the end of a day, or now for today', () => {
    const line = targetLine(PLAN, new Date('2026-12-01T00:00:00Z'), new Date('2026-12-20T00:00:00Z'), 'us');
    expect(targetOnDay(line, '2026-12-08')?.week).to.equal(2);
    expect(targetOnDay(line, '2026-12-07')?.week).to.equal(1);
    expect(targetOnDay(line, '2026-12-08', new Date('2026-12-08T14:59:59Z'))?.week).to.equal(1);
    expect(targetOnDay(line, '2026-12-08', new Date('2026-12-08T15:00:00Z'))?.week).to.equal(2);
    expect(targetOnDay(line.slice(1), '2026-12-02')).to.equal(undefined);
  });
});
