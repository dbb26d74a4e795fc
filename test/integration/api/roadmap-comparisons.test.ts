import { expect } from 'chai';
import { DEFAULT_SEASON_PLAN } from '../../../src/domain/season-plan.js';
import { findGuild } from '../../../src/sim/index.js';
import { startStack, type Stack } from '../../helpers/stack.js';
import { bearer, call, expectError, targetToday } from './helpers.js';

describe('GET /guilds/:id/progress/roadmap and /comparisons', function () {
  let stack: Stack;
  let url: string;
  const as = (bnetId: number) => ({ headers: bearer(stack.sim.tokenFor(bnetId)) });

  before(async () => {
    stack = await startStack({ api: true });
    url = stack.api!.url;
  });
  after(async () => {
    await stack?.close();
  });

  it('lists every weekly target of the season in order, marking the current week', async () => {
    const reply = await call(`${url}/guilds/1/progress/roadmap`, as(stack.sim.world.demoUsers.member));
    expect(reply.status).to.equal(200);
    const week = targetToday('us');
    expect(reply.body).to.include({ expansion: 'Midnight', season: 'Season 1', region: 'us', current_week: week.week });
    expect(reply.body).to.include({ expansion_id: 12, source: 'season', target_ilvl: week.targetIlvl });
    const planned = DEFAULT_SEASON_PLAN.weeks.map((w) => ({
      week: w.week,
      start_date: w.startDate,
      target_ilvl: w.targetIlvl,
      description: w.description,
      is_current: w.week === week.week,
      expansion_id: 12,
      ilvl_target: w.targetIlvl,
    }));
    // Past the plan's last dated week the current week is listed too, with the target in force.
    const isPastPlan = !DEFAULT_SEASON_PLAN.weeks.some((w) => w.week === week.week);
    const current = { week: week.week, start_date: week.startDate, target_ilvl: week.targetIlvl, description: week.description, is_current: true, expansion_id: 12, ilvl_target: week.targetIlvl };
    expect(reply.body.weeks).to.deep.equal(isPastPlan ? [...planned, current] : planned);
  });

  it("shifts start dates by a day for an EU guild's Wednesday reset, except the global launch week", async () => {
    const eu = findGuild(stack.sim.world, 3)!;
    const reply = await call(`${url}/guilds/3/progress/roadmap`, as(eu.members[0]!.bnetId));
    expect(reply.body.region).to.equal('eu');
    expect(reply.body.weeks[0].start_date).to.equal('2026-02-26');
    expect(reply.body.weeks[1].start_date).to.equal('2026-03-04');
  });

  it("returns the guild's WarcraftLogs ranking as the simulator has it", async () => {
    const guild = findGuild(stack.sim.world, 1)!;
    const reply = await call(`${url}/guilds/1/progress/comparisons`, as(stack.sim.world.demoUsers.member));
    expect(reply.status, reply.text).to.equal(200);
    expect(reply.body).to.include({ guild_name: guild.name, realm: guild.realm.slug, region: 'us', stale: false });
    expect(reply.body.progress).to.deep.equal({ bosses_killed: guild.warcraftLogs.killsByDifficulty[5], bosses_total: 9, difficulty: 'Mythic' });
    expect(reply.body.ranks.world).to.equal(guild.warcraftLogs.progressRank);
    expect(reply.body.zone).to.have.all.keys('id', 'name');
    expect(reply.body.speed).to.be.an('object');
    expect(Date.parse(reply.body.fetched_at)).to.be.closeTo(Date.now(), 60_000);
  });

  it('compares another guild by name, realm and region, and answers 404 for one WarcraftLogs does not know', async () => {
    const other = findGuild(stack.sim.world, 2)!;
    const reply = await call(
      `${url}/guilds/1/progress/comparisons?guild_name=${encodeURIComponent(other.name)}&realm=${other.realm.slug}&region=us`,
      as(stack.sim.world.demoUsers.member),
    );
    expect(reply.status).to.equal(200);
    expect(reply.body.guild_name).to.equal(other.name);
    const unknown = await call(`${url}/guilds/1/progress/comparisons?guild_name=No%20Such%20Guild&realm=area-52&region=us`, as(stack.sim.world.demoUsers.member));
    expectError(unknown, 404, 'guild_not_found');
  });
});
