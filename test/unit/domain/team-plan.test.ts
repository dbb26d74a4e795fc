import { expect } from 'chai';
import { teamHorizon, teamOf, teamPlanProblems, teamTarget, type TeamPlan } from '../../../src/domain/team-plan.js';

const plan = (planId: number, over: Partial<TeamPlan>): TeamPlan => ({
  planId, name: `plan ${planId}`, ranks: [], members: [], targets: { kind: 'offset', offset: 3 }, ...over,
});

describe('team target plans', () => {
  it('puts a member on the plan naming its character, else the oldest plan listing its rank, else none', () => {
    const plans = [
      plan(5, { ranks: [2, 3] }),
      plan(2, { ranks: [3] }),
      plan(9, { members: [{ name: 'Zúljín', realm: 'area-52' }] }),
    ];
    expect(teamOf(plans, { rankId: 3, characterName: 'Thrall', realm: 'area-52' })?.planId).to.equal(2);
    expect(teamOf(plans, { rankId: 2, characterName: 'Thrall', realm: 'area-52' })?.planId).to.equal(5);
    expect(teamOf(plans, { rankId: 3, characterName: 'ZÚLJÍN', realm: 'area-52' })?.planId).to.equal(9);
    expect(teamOf(plans, { rankId: 3, characterName: 'Zúljín', realm: 'stormrage' })?.planId).to.equal(2);
    expect(teamOf(plans, { rankId: 1, characterName: 'Thrall', realm: 'area-52' })).to.equal(undefined);
    expect(teamOf(plans, { rankId: null, characterName: 'Thrall', realm: 'area-52' })).to.equal(undefined);
  });

  it("moves the guild's target by an offset, or follows the team's own weeks like a guild plan", () => {
    expect(teamTarget({ kind: 'offset', offset: 3 }, 4, 262.1)).to.equal(265.1);
    const weeks = { kind: 'weeks' as const, weeks: [{ week: 2, targetIlvl: 250 }, { week: 5, targetIlvl: 260 }] };
    expect([1, 2, 4, 5, 9].map((w) => teamTarget(weeks, w, 100))).to.deep.equal([250, 250, 250, 260, 260]);
    expect(teamHorizon({ kind: 'offset', offset: -2 }, [{ week: 3, targetIlvl: 240 }, { week: 4, targetIlvl: 245 }])).to.deep.equal([
      { week: 3, targetIlvl: 238 }, { week: 4, targetIlvl: 243 },
    ]);
  });

  it('refuses a plan without anyone on it, with both or neither kind of targets, or with bad weeks', () => {
    expect(teamPlanProblems({ ranks: [1], members: [], offset: 3 })).to.deep.equal([]);
    expect(teamPlanProblems({ ranks: [], members: [], offset: 3 }).map((p) => p.field)).to.deep.equal(['ranks']);
    expect(teamPlanProblems({ ranks: [1], members: [] }).map((p) => p.field)).to.deep.equal(['offset']);
    expect(teamPlanProblems({ ranks: [1], members: [], offset: 1, weeks: [{ week: 1, ilvlTarget: 200 }] }).map((p) => p.field)).to.deep.equal(['offset']);
    expect(teamPlanProblems({ ranks: [1, 1], members: [], offset: 101 }).map((p) => p.field)).to.deep.equal(['ranks', 'offset']);
    expect(teamPlanProblems({ ranks: [1], members: [], weeks: [{ week: 0, ilvlTarget: 200 }, { week: 2, ilvlTarget: 2000 }, { week: 2, ilvlTarget: 200 }] }).map((p) => p.field))
      .to.deep.equal(['weeks.0.week', 'weeks.1.ilvl_target', 'weeks.2.week']);
  });
});
