import { expect } from 'chai';
import {
  DEFAULT_SEASON_PLAN,
  addDays,
  dayNumber,
  regionalStartDate,
  roadmap,
  weekFor,
  type SeasonPlan,
} from '../../../src/domain/index.js';

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

describe('weekFor', () => {
  const plan = DEFAULT_SEASON_PLAN;

  it('gives the week whose US start is on or before the date', () => {
    expect(weekFor(plan, '2026-04-14', 'us')).to.deep.equal({
      week: 5,
      targetIlvl: 276,
      startDate: '2026-04-14',
      description: 'Season 1 week 5',
    });
    expect(weekFor(plan, '2026-04-20', 'us').week).to.equal(5);
    expect(weekFor(plan, '2026-04-13', 'us').week).to.equal(4);
  });

  it('gives the first week before the season starts', () => {
    expect(weekFor(plan, '2025-12-31', 'us')).to.deep.equal({
      week: -2,
      targetIlvl: 200,
      startDate: '2026-02-26',
      description: 'Early Access',
    });
  });

  it('starts EU and KR weeks on Wednesday', () => {
    for (const region of ['eu', 'kr'] as const) {
      expect(weekFor(plan, '2026-04-14', region).week, region).to.equal(4);
      expect(weekFor(plan, '2026-04-15', region), region).to.deep.include({ week: 5, startDate: '2026-04-15' });
    }
  });

  it('starts TW weeks with the US', () => {
    expect(weekFor(plan, '2026-04-14', 'tw')).to.deep.include({ week: 5, startDate: '2026-04-14' });
  });

  it('does not shift the global Early Access week', () => {
    expect(weekFor(plan, '2026-02-26', 'eu')).to.deep.include({ week: -2, startDate: '2026-02-26' });
    expect(weekFor(plan, '2026-03-03', 'eu').week).to.equal(-2);
    expect(weekFor(plan, '2026-03-04', 'eu')).to.deep.include({ week: -1, startDate: '2026-03-04' });
  });

  it('keeps the last target during the last dated week', () => {
    expect(weekFor(plan, '2026-06-08', 'us')).to.deep.include({ week: 12, targetIlvl: 289, startDate: '2026-06-02' });
  });

  it('keeps counting weeks after the last dated week with the last target', () => {
    expect(weekFor(plan, '2026-06-09', 'us')).to.deep.equal({
      week: 13,
      targetIlvl: 289,
      startDate: '2026-06-09',
      description: 'Week 13: the week 12 target still applies',
    });
    expect(weekFor(plan, '2026-07-01', 'us')).to.deep.include({ week: 16, targetIlvl: 289, startDate: '2026-06-30' });
  });

  it('counts weeks after the plan from the regional reset', () => {
    expect(weekFor(plan, '2026-06-09', 'eu').week).to.equal(12);
    expect(weekFor(plan, '2026-06-10', 'eu')).to.deep.include({ week: 13, startDate: '2026-06-10' });
  });

  it('reads a plan listed out of order in week order', () => {
    const shuffled: SeasonPlan = { ...plan, weeks: [...plan.weeks].reverse() };
    expect(weekFor(shuffled, '2026-04-14', 'us').week).to.equal(5);
    expect(weekFor(shuffled, '2026-06-16', 'us').week).to.equal(14);
  });

  it('refuses a plan without weeks', () => {
    expect(() => weekFor({ expansion: 'X', season: 'S', weeks: [] }, '2026-04-14', 'us')).to.throw(RangeError, /no weeks/);
  });

  it('refuses a date that is not YYYY-MM-DD or not in the calendar', () => {
    for (const date of ['2026-02-30', '2026-4-14', 'yesterday', '2026-04-14T10:00:00Z']) {
      expect(() => weekFor(plan, date, 'us'), date).to.throw(RangeError, /calendar date/);
    }
  });
});

describe('regionalStartDate', () => {
  const week = { week: 1, startDate: '2026-12-31', targetIlvl: 250, description: 'w', isGlobal: false };

  it('moves EU and KR a day later, across month and year ends', () => {
    expect(regionalStartDate(week, 'us')).to.equal('2026-12-31');
    expect(regionalStartDate(week, 'tw')).to.equal('2026-12-31');
    expect(regionalStartDate(week, 'eu')).to.equal('2027-01-01');
    expect(regionalStartDate(week, 'kr')).to.equal('2027-01-01');
  });

  it('leaves a global week alone', () => {
    expect(regionalStartDate({ ...week, isGlobal: true }, 'eu')).to.equal('2026-12-31');
  });
});

describe('roadmap', () => {
  const plan = DEFAULT_SEASON_PLAN;

  it('lists every week in order with its regional start', () => {
    const weeks = roadmap(plan, '2026-04-15', 'eu');
    expect(weeks.map((w) => w.week)).to.deep.equal(plan.weeks.map((w) => w.week));
    expect(weeks[0]).to.deep.equal({
      week: -2,
      startDate: '2026-02-26',
      targetIlvl: 200,
      description: 'Early Access',
      isCurrent: false,
    });
    expect(weeks[1]).to.deep.include({ week: -1, startDate: '2026-03-04' });
  });

  it('marks exactly the current week', () => {
    const current = roadmap(plan, '2026-04-15', 'eu').filter((w) => w.isCurrent);
    expect(current.map((w) => w.week)).to.deep.equal([5]);
    expect(roadmap(plan, '2026-04-14', 'eu').find((w) => w.isCurrent)?.week).to.equal(4);
  });

  it('marks the first week before the season and the last week after the plan', () => {
    expect(roadmap(plan, '2026-01-01', 'us').find((w) => w.isCurrent)?.week).to.equal(-2);
    expect(roadmap(plan, '2026-09-01', 'us').find((w) => w.isCurrent)?.week).to.equal(12);
  });
});

describe('dates', () => {
  it('counts whole days from the Unix epoch', () => {
    expect(dayNumber('1970-01-02')).to.equal(1);
    expect(addDays('2028-02-28', 1)).to.equal('2028-02-29');
  });
});
