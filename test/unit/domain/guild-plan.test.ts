import { expect } from 'chai';
import { guildPlanProblems, guildSeasonPlan, withCurrentWeek, withoutSeasonPreSeason, type GuildPlan } from '../../../src/domain/guild-plan.js';
import { expansionIdOf } from '../../../src/domain/expansions.js';
import { upgradePriority } from '../../../src/domain/priorities.js';
import { DEFAULT_SEASON_PLAN } from '../../../src/domain/season-plan.js';
import { roadmapAt, weekAt, type CurrentWeek } from '../../../src/domain/season.js';

const plan: GuildPlan = { expansionId: 12, weeks: [{ week: 2, targetIlvl: 260 }, { week: 5, targetIlvl: 280 }] };
const at = (iso: string) => new Date(iso);

describe("a guild's own plan", () => {
  const dated = guildSeasonPlan(plan, 42, DEFAULT_SEASON_PLAN);

  it("is dated on the season's calendar, every week from 1 to its last with the target in force", () => {
    expect(dated).to.include({ expansion: 'Midnight', season: 'Season 1', expansionId: 12, guildId: 42 });
    expect(dated.weeks.map((w) => [w.week, w.startDate, w.targetIlvl])).to.deep.equal([
      [1, '2026-03-17', 260], [2, '2026-03-24', 260], [3, '2026-03-31', 260], [4, '2026-04-07', 260], [5, '2026-04-14', 280],
    ]);
  });

  it('counts the same weeks as the season and gives the guild’s target, past its last week too', () => {
    for (const instant of ['2026-04-08T12:00:00Z', '2026-04-15T12:00:00Z', '2026-11-25T12:00:00Z']) {
      const season = weekAt(DEFAULT_SEASON_PLAN, at(instant), 'us');
      const guild = weekAt(dated, at(instant), 'us');
      expect(guild.week, instant).to.equal(season.week);
      expect(guild.targetIlvl).to.equal(season.week >= 5 ? 280 : 260);
    }
  });

  it('lists the current week in the roadmap when the plan does not, marked current', () => {
    const now = at('2026-11-25T12:00:00Z');
    const current: CurrentWeek = weekAt(dated, now, 'us');
    const rows = withCurrentWeek(roadmapAt(dated, now, 'us'), current);
    expect(rows.at(-1)).to.include({ week: current.week, targetIlvl: 280, isCurrent: true });
    expect(rows.filter((r) => r.isCurrent)).to.have.length(1);
    const inPlan = withCurrentWeek(roadmapAt(dated, at('2026-04-08T12:00:00Z'), 'us'), weekAt(dated, at('2026-04-08T12:00:00Z'), 'us'));
    expect(inPlan.filter((r) => r.isCurrent).map((r) => r.week)).to.deep.equal([4]);
    expect(inPlan).to.have.length(5);
  });

  it('refuses no weeks, weeks below 1, a week twice and targets outside 1–1000, naming each', () => {
    expect(guildPlanProblems([{ week: 1, ilvlTarget: 250, index: 0 }])).to.deep.equal([]);
    expect(guildPlanProblems([]).map((p) => p.field)).to.deep.equal(['weeks']);
    const problems = guildPlanProblems([
      { week: 0, ilvlTarget: 250, index: 0 },
      { week: 3, ilvlTarget: 0, index: 1 },
      { week: 3, ilvlTarget: 1001, index: 2 },
    ]);
    expect(problems.map((p) => p.field)).to.deep.equal(['weeks.0.week', 'weeks.1.ilvl_target', 'weeks.2.week', 'weeks.2.ilvl_target']);
  });

  it("leaves out the season's pre-season weeks sent back unchanged, keeps a changed one", () => {
    const season = [{ week: -1, targetIlvl: 230 }, { week: 0, targetIlvl: 240 }, { week: 1, targetIlvl: 250 }];
    const sent = [{ week: -1, ilvlTarget: 230 }, { week: 0, ilvlTarget: 241 }, { week: 1, ilvlTarget: 250 }];
    expect(withoutSeasonPreSeason(sent, season).map((w) => w.week)).to.deep.equal([0, 1]);
  });

  it('numbers expansions by their major game version', () => {
    expect(expansionIdOf('Midnight')).to.equal(12);
    expect(expansionIdOf('Some Future Expansion')).to.equal(0);
  });
});

describe('upgradePriority', () => {
  it('is high for an empty slot or 10+ below the target, medium below it, low at or above it', () => {
    expect(upgradePriority(0, 280)).to.equal('high');
    expect(upgradePriority(270, 280)).to.equal('high');
    expect(upgradePriority(270.5, 280)).to.equal('medium');
    expect(upgradePriority(279, 280)).to.equal('medium');
    expect(upgradePriority(280, 280)).to.equal('low');
    expect(upgradePriority(290, 280)).to.equal('low');
  });
});
