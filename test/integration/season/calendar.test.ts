import { expect } from 'chai';
import type { MikroORM } from '@mikro-orm/postgresql';
import { ManualClock } from '../../../src/clock.js';
import { openOrm } from '../../../src/db/orm.js';
import { saveSeasonPlan } from '../../../src/db/tables/weekly-targets.js';
import { DEFAULT_RESETS, DEFAULT_SEASON_PLAN, type SeasonPlan } from '../../../src/domain/index.js';
import { SeasonCalendar, secondsWithinWeek } from '../../../src/season/calendar.js';
import { createMigratedDatabase, dropDatabase, testLogger, testRun } from '../../helpers/test-env.js';

const plan = (season: string, startDate: string, targetIlvl: number): SeasonPlan => ({
  expansion: 'Calendar Test',
  season,
  weeks: [
    { week: 1, startDate, targetIlvl, description: 'first', isGlobal: false },
    { week: 2, startDate: new Date(Date.parse(`${startDate}T00:00:00Z`) + 7 * 86_400_000).toISOString().slice(0, 10), targetIlvl: targetIlvl + 10, description: 'second', isGlobal: false },
  ],
});

describe('SeasonCalendar: which plan applies and which week of it it is', function () {
  this.timeout(30_000);
  const databaseName = `${testRun.databaseName}_calendar`;
  let orm: MikroORM;
  const clock = new ManualClock('2027-01-05T14:59:59Z');

  before(async () => {
    orm = await openOrm({ databaseUrl: await createMigratedDatabase(databaseName), poolMax: 2 });
  });
  after(async () => {
    await orm?.close(true);
    await dropDatabase(databaseName);
  });

  it('answers from the stored plan in force at the clock\'s instant, and notices a newly seeded plan once told to re-read', async () => {
    const calendar = new SeasonCalendar({ orm, logger: testLogger(), clock, resets: DEFAULT_RESETS });
    expect((await calendar.now('us')).season).to.equal(DEFAULT_SEASON_PLAN.season);
    await saveSeasonPlan(orm.em.fork(), plan('Next', '2027-01-05', 700));
    calendar.reload();
    // The new plan's first week begins at the US reset: one second early the old plan still applies.
    expect((await calendar.now('us')).season).to.equal(DEFAULT_SEASON_PLAN.season);
    clock.set('2027-01-05T15:00:00Z');
    const now = await calendar.now('us');
    expect(now).to.deep.include({ season: 'Next', region: 'us' });
    expect(now.week).to.deep.include({ week: 1, targetIlvl: 700 });
    // In the EU the same plan begins the next morning.
    expect((await calendar.now('eu')).season).to.equal(DEFAULT_SEASON_PLAN.season);
    const roadmap = await calendar.roadmap('eu');
    expect(roadmap.weeks.length).to.equal(DEFAULT_SEASON_PLAN.weeks.length);
    expect(roadmap.weeks.find((w) => w.isCurrent)?.week).to.equal(12);
  });

  it('asks the guild-specific plan source first and falls back to the stored plans when the guild has none', async () => {
    clock.set('2027-01-12T15:00:00Z');
    const asked: number[] = [];
    const own = plan('Guild 42', '2027-01-05', 500);
    const calendar = new SeasonCalendar({
      orm, logger: testLogger(), clock, resets: DEFAULT_RESETS,
      guildPlans: { planOf: async (guildId) => { asked.push(guildId); return guildId === 42 ? own : undefined; } },
    });
    expect((await calendar.now('us', 42)).week).to.deep.include({ week: 2, targetIlvl: 510 });
    expect((await calendar.now('us', 7)).week).to.deep.include({ week: 2, targetIlvl: 710 });
    expect((await calendar.now('us')).week).to.deep.include({ week: 2, targetIlvl: 710 });
    expect(asked).to.deep.equal([42, 7]);
  });

  it('keeps answering with the built-in default plan when the database cannot be read', async () => {
    const down = await openOrm({ databaseUrl: 'postgresql://postgres@127.0.0.1:1/none', poolMax: 1 }).catch(() => undefined);
    if (!down) return expect.fail('the ORM should open lazily');
    try {
      const calendar = new SeasonCalendar({ orm: down, logger: testLogger(), clock, resets: DEFAULT_RESETS });
      const now = await calendar.now('us');
      expect(now.season).to.equal(DEFAULT_SEASON_PLAN.season);
      expect(now.week.targetIlvl).to.equal(DEFAULT_SEASON_PLAN.weeks.at(-1)!.targetIlvl);
    } finally {
      await down.close(true);
    }
  });

  it('caps a lifetime at the end of the week the answer was for', async () => {
    const calendar = new SeasonCalendar({ orm, logger: testLogger(), clock, resets: DEFAULT_RESETS });
    clock.set('2027-01-19T14:59:30Z');
    expect(secondsWithinWeek(await calendar.now('us'), 900)).to.equal(30);
    expect(secondsWithinWeek(await calendar.now('eu'), 900)).to.equal(900);
    clock.set('2027-01-19T14:59:59.500Z');
    expect(secondsWithinWeek(await calendar.now('us'), 900)).to.equal(0);
  });
});
