import { expect } from 'chai';
import { DEFAULT_SEASON_PLAN, addDays, dayNumber } from '../../../src/domain/index.js';

describe('DEFAULT_SEASON_PLAN', () => {
  it('is Midnight Season 1 with the planned week starts and targets', () => {
    expect(DEFAULT_SEASON_PLAN.expansion).to.equal('Midnight');
    expect(DEFAULT_SEASON_PLAN.season).to.equal('Season 1');
    expect(DEFAULT_SEASON_PLAN.weeks.map((w) => [w.week, w.startDate, w.targetIlvl])).to.deep.equal([
      [-2, '2026-02-26', 200],
      [-1, '2026-03-03', 230],
      [0, '2026-03-10', 240],
      [1, '2026-03-17', 250],
      [2, '2026-03-24', 266],
      [3, '2026-03-31', 273],
      [4, '2026-04-07', 274],
      [5, '2026-04-14', 276],
      [6, '2026-04-21', 278],
      [7, '2026-04-28', 279],
      [8, '2026-05-05', 281],
      [9, '2026-05-12', 284],
      [10, '2026-05-19', 286],
      [11, '2026-05-26', 287],
      [12, '2026-06-02', 289],
    ]);
  });

  it('marks only the Early Access week as global', () => {
    expect(DEFAULT_SEASON_PLAN.weeks.filter((w) => w.isGlobal).map((w) => w.week)).to.deep.equal([-2]);
  });

  it('describes every week', () => {
    expect(DEFAULT_SEASON_PLAN.weeks.find((w) => w.week === 1)?.description).to.equal('Season 1 week 1 (Heroic week)');
    expect(DEFAULT_SEASON_PLAN.weeks.find((w) => w.week === 4)?.description).to.equal('Season 1 week 4');
    for (const week of DEFAULT_SEASON_PLAN.weeks) expect(week.description).to.match(/\S/);
  });

  it('starts every week after Early Access on a Tuesday, seven days apart', () => {
    const dated = DEFAULT_SEASON_PLAN.weeks.slice(1);
    for (const [index, week] of dated.entries()) {
      expect(new Date(`${week.startDate}T00:00:00Z`).getUTCDay(), week.startDate).to.equal(2);
      if (index > 0) expect(week.startDate).to.equal(addDays((dated[index - 1] as typeof week).startDate, 7));
    }
  });

  it('cannot be changed by a caller', () => {
    expect(Object.isFrozen(DEFAULT_SEASON_PLAN)).to.equal(true);
    expect(Object.isFrozen(DEFAULT_SEASON_PLAN.weeks)).to.equal(true);
    expect(Object.isFrozen(DEFAULT_SEASON_PLAN.weeks[0])).to.equal(true);
  });
});

describe('dates', () => {
  it('counts whole days from the Unix epoch', () => {
    expect(dayNumber('1970-01-02')).to.equal(1);
    expect(addDays('2028-02-28', 1)).to.equal('2028-02-29');
  });
});
