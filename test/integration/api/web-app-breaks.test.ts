import { expect } from 'chai';
import { findGuild, type SimGuild } from '../../../src/sim/index.js';
import { startStack, type Stack } from '../../helpers/stack.js';
import { waitForIdle } from '../../helpers/worker.js';
import { call, isolatedGuild } from './helpers.js';

/**
 * What hool.gg's web app met on its progress pages, each as the app does it: the access_token cookie, its
 * origin, no realm on the character view, no paging, an empty message to clear. One case per break.
 */
describe("hool.gg's web app on its progress pages", function () {
  let stack: Stack;
  let url: string;
  const bigSpec = isolatedGuild(130);
  // Two more guilds on the big guild's realm, for the realm comparison.
  const rivals = [{ ...isolatedGuild(3), realm: bigSpec.realm }, { ...isolatedGuild(3), realm: bigSpec.realm }];
  let big: SimGuild;

  const asApp = (bnetId: number, init: RequestInit = {}): RequestInit => ({
    ...init,
    headers: { cookie: `access_token=${stack.sim.tokenFor(bnetId)}`, origin: 'http://localhost:3000', ...(init.headers ?? {}) },
  });
  const gmOf = (g: SimGuild) => g.members.find((m) => m.rankId === 0)!.bnetId;

  before(async () => {
    stack = await startStack({ api: true, simulator: { world: { guilds: [bigSpec, ...rivals] } } });
    url = stack.api!.url;
    big = findGuild(stack.sim.world, bigSpec.id)!;
    await call(`${url}/guilds/1/progress/members`, asApp(stack.sim.world.demoUsers.officer));
    await call(`${url}/guilds/${big.id}/progress/members`, asApp(gmOf(big)));
    await waitForIdle(stack.queues, 60_000);
  });
  after(async () => {
    await stack?.close();
  });

  it('words a character at or above the target `ahead` (label On Track) and filters on ahead or on_track alike', async () => {
    const officer = stack.sim.world.demoUsers.officer;
    const all = await call(`${url}/guilds/1/progress/members`, asApp(officer));
    const members: Array<{ character_name: string; status: string; status_label: string; gap: number }> = all.body.members;
    const ahead = members.filter((m) => m.gap >= 0);
    expect(ahead.length).to.be.greaterThan(0);
    for (const m of ahead) expect(m).to.include({ status: 'ahead', status_label: 'On Track' });
    for (const spelling of ['ahead', 'on_track']) {
      const filtered = await call(`${url}/guilds/1/progress/members?status=${spelling}`, asApp(officer));
      expect(filtered.status).to.equal(200);
      expect(filtered.body.members.map((m: { character_name: string }) => m.character_name)).to.deep.equal(ahead.map((m) => m.character_name));
    }
    const gm = await call(`${url}/guilds/1/progress/characters`, asApp(stack.sim.world.demoUsers.guildMaster));
    for (const c of gm.body.characters) expect(c.progress.status).to.equal(c.progress.gap >= 0 ? 'ahead' : 'behind');
  });

  it('serves the character view without a realm, on the guild’s realm', async () => {
    const reply = await call(`${url}/guilds/1/progress/character/Gallyboss`, asApp(stack.sim.world.demoUsers.member));
    expect(reply.status, reply.text).to.equal(200);
    expect(reply.body.character).to.include({ character_name: 'Gallyboss', realm: 'bleeding-hollow' });
  });

  it('returns a roster of 130 whole when no limit is given', async () => {
    const reply = await call(`${url}/guilds/${big.id}/progress/members`, asApp(gmOf(big)));
    expect(reply.status).to.equal(200);
    expect(reply.body.total).to.equal(130);
    expect(reply.body.members).to.have.length(130);
  });

  it('gives each gear priority the slot item level against the target, its source and an urgency, and the character spec_name and gear_details', async () => {
    const reply = await call(`${url}/guilds/1/progress/character/Gallyboss`, asApp(stack.sim.world.demoUsers.member));
    const { character, gear_priorities: priorities, target_ilvl: target } = reply.body;
    expect(character.spec_name).to.equal(character.spec);
    expect(character.gear_details).to.be.an('object');
    expect(Object.keys(character.gear_details)).to.have.length(16);
    expect(character.gear_details.head.ilvl).to.equal(character.equipped_items.find((i: { slot: string }) => i.slot === 'head').ilvl);
    expect(priorities).to.have.length(16);
    for (const p of priorities) {
      expect(p.current_ilvl).to.equal(p.ilvl);
      expect(p.target_ilvl).to.equal(target);
      expect(p.source).to.equal(p.track);
      const below = target - p.current_ilvl;
      expect(p.upgrade_priority).to.equal(p.current_ilvl === 0 || below >= 10 ? 'high' : below > 0 ? 'medium' : 'low');
    }
  });

  it('gives the roadmap an expansion_id and ilvl_target per week, always listing the current week', async () => {
    const reply = await call(`${url}/guilds/1/progress/roadmap`, asApp(stack.sim.world.demoUsers.member));
    expect(reply.status).to.equal(200);
    expect(reply.body.expansion_id).to.equal(12);
    const current = reply.body.weeks.find((w: { week: number }) => w.week === reply.body.current_week);
    expect(current, 'the current week is listed').to.include({ is_current: true, ilvl_target: reply.body.target_ilvl, expansion_id: 12 });
    for (const w of reply.body.weeks) expect(w.ilvl_target).to.equal(w.target_ilvl);
  });

  it("stores the Guild Master's own plan from the settings page, and every number of that guild follows it", async () => {
    const gm = gmOf(big);
    // Read (and so cache) a character view first: saving the plan must not leave it on the old target.
    const before = await call(`${url}/guilds/${big.id}/progress/characters`, asApp(gm));
    const name = before.body.characters[0].character_name as string;
    const cachedDetail = await call(`${url}/guilds/${big.id}/progress/character/${encodeURIComponent(name)}`, asApp(gm));
    expect(cachedDetail.status).to.equal(200);
    expect(cachedDetail.body.target_ilvl).to.not.equal(301);
    const roadmap = await call(`${url}/guilds/${big.id}/progress/roadmap`, asApp(gm));
    const week = roadmap.body.current_week as number;
    // What the settings page sends: the weeks it read (with every field), one target changed, one week added.
    const weeks = roadmap.body.weeks
      .map((w: { week: number; ilvl_target: number }) => (w.week === week ? { ...w, ilvl_target: 301 } : w))
      .concat([{ expansion_id: 12, week: week + 1, ilvl_target: 304 }]);
    const saved = await call(
      `${url}/guilds/${big.id}/progress/roadmap`,
      asApp(gm, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ expansion_id: 12, weeks }) }),
    );
    expect(saved.status, saved.text).to.equal(200);
    expect(saved.body).to.include({ source: 'guild', target_ilvl: 301, current_week: week });

    const read = await call(`${url}/guilds/${big.id}/progress/roadmap`, asApp(gm));
    expect(read.body.weeks.find((w: { week: number }) => w.week === week)).to.include({ ilvl_target: 301, is_current: true });
    expect(read.body.weeks.find((w: { week: number }) => w.week === week + 1)).to.include({ ilvl_target: 304, is_current: false });
    expect(read.body.weeks.every((w: { week: number }) => w.week >= 1)).to.equal(true);

    const overview = await call(`${url}/guilds/${big.id}/progress/members`, asApp(gm));
    expect(overview.body.target_ilvl).to.equal(301);
    for (const m of overview.body.members) {
      expect(m.target_ilvl).to.equal(301);
      if (m.current_ilvl !== null) expect(m.gap).to.equal(Math.round((m.current_ilvl - 301) * 10) / 10);
    }
    const csv = await call(`${url}/guilds/${big.id}/progress/members?format=csv`, asApp(gm));
    const header = csv.text.split('\r\n')[0]!.split(',');
    const row = csv.text.split('\r\n')[1]!.split(',');
    expect(row[header.indexOf('target_ilvl')]).to.equal('301');
    const mine = await call(`${url}/guilds/${big.id}/progress/characters`, asApp(gm));
    expect(mine.body.target_ilvl).to.equal(301);
    for (const c of mine.body.characters) expect(c.progress.target_ilvl).to.equal(301);
    const detail = await call(`${url}/guilds/${big.id}/progress/character/${encodeURIComponent(name)}`, asApp(gm));
    expect(detail.body.target_ilvl).to.equal(301);
    expect(detail.body.character.progress.target_ilvl).to.equal(301);
    expect(detail.body.gear_priorities[0].target_ilvl).to.equal(301);

    // Other guilds keep the season plan.
    const other = await call(`${url}/guilds/1/progress/roadmap`, asApp(stack.sim.world.demoUsers.member));
    expect(other.body.source).to.equal('season');
    expect(other.body.target_ilvl).to.not.equal(301);
  });

  it('refuses a plan from anyone but the Guild Master, and bad weeks or targets with a clear 422', async () => {
    const put = (bnetId: number, body: unknown) =>
      call(`${url}/guilds/${big.id}/progress/roadmap`, asApp(bnetId, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }));
    const officer = big.members.find((m) => m.rankId === 1)!.bnetId;
    const refused = await put(officer, { expansion_id: 12, weeks: [{ week: 1, ilvl_target: 250 }] });
    expect(refused.status).to.equal(403);
    expect(refused.body.error).to.equal('Access denied - Guild Master only');
    const gm = gmOf(big);
    const cases: Array<[unknown, string]> = [
      [{ expansion_id: 12, weeks: [] }, 'weeks'],
      [{ expansion_id: 12, weeks: [{ week: 0, ilvl_target: 999 }] }, 'weeks.0.week'],
      [{ expansion_id: 12, weeks: [{ week: 2, ilvl_target: 250 }, { week: 2, ilvl_target: 260 }] }, 'weeks.1.week'],
      [{ expansion_id: 12, weeks: [{ week: 3, ilvl_target: 5000 }] }, 'weeks.0.ilvl_target'],
    ];
    for (const [body, field] of cases) {
      const reply = await put(gm, body);
      expect(reply.status, JSON.stringify(body)).to.equal(422);
      expect(reply.body.code).to.equal('validation_failed');
      expect(reply.body.details.map((d: { field: string }) => d.field)).to.include(field);
    }
    const mistyped = await put(gm, { expansion_id: 12, weeks: [{ week: 'one', ilvl_target: 250 }] });
    expect(mistyped.status).to.equal(400);
  });

  it('compares the guild with the other guilds WarcraftLogs ranks on its realm, the realm given by name', async () => {
    const realmName = bigSpec.realm.split('-').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(' ');
    const query = new URLSearchParams({ guild_name: big.name, realm: realmName, region: 'us' });
    const reply = await call(`${url}/guilds/${big.id}/progress/comparisons?${query}`, asApp(gmOf(big)));
    expect(reply.status, reply.text).to.equal(200);
    const body = reply.body;
    // Our own fields stay.
    expect(body).to.include.keys('zone', 'progress', 'ranks', 'speed');
    const serverRankOf = (g: SimGuild) => Math.max(1, Math.ceil(g.warcraftLogs.progressRank / 130));
    expect(body.your_guild).to.include({ guild_name: big.name, realm: bigSpec.realm, region: 'us', realm_rank: serverRankOf(big), world_rank: big.warcraftLogs.progressRank });
    expect(body.your_guild.avg_ilvl).to.be.a('number');
    expect(body.your_guild.logs_count).to.equal(Object.keys(big.warcraftLogs.killsByDifficulty).length);
    expect(body.your_guild.best_performance).to.match(/^\d+\/9 (M|H|N|LFR)$/);
    const others = rivals.map((r) => findGuild(stack.sim.world, r.id)!);
    expect(body.compared_guilds.map((g: { guild_name: string }) => g.guild_name).sort()).to.deep.equal(others.map((g) => g.name).sort());
    for (const g of body.compared_guilds) {
      const sim = others.find((o) => o.name === g.guild_name)!;
      expect(g).to.include({ realm: bigSpec.realm, region: 'us', realm_rank: serverRankOf(sim), world_rank: sim.warcraftLogs.progressRank });
      expect(g).to.not.have.property('avg_ilvl');
    }
    expect(body.total_guilds).to.equal(3);
    // Realm order: realm rank, then name.
    const ahead = others.filter((o) => serverRankOf(o) < serverRankOf(big) || (serverRankOf(o) === serverRankOf(big) && o.name.localeCompare(big.name) < 0));
    expect(body.your_rank).to.equal(ahead.length + 1);
  });

  it("fills a realm guild's item level, progress and logs, and the realm average, once that guild's own ranking is stored", async () => {
    const rival = findGuild(stack.sim.world, rivals[0]!.id)!;
    const ask = (name: string) =>
      call(`${url}/guilds/${big.id}/progress/comparisons?${new URLSearchParams({ guild_name: name, realm: bigSpec.realm, region: 'us' })}`, asApp(gmOf(big)));
    const rivalOwn = await ask(rival.name);
    expect(rivalOwn.status, rivalOwn.text).to.equal(200);
    const ours = await ask(big.name);
    expect(ours.status, ours.text).to.equal(200);
    const listed = ours.body.compared_guilds.find((g: { guild_name: string }) => g.guild_name === rival.name);
    expect(listed).to.include({
      avg_ilvl: rivalOwn.body.your_guild.avg_ilvl,
      best_performance: rivalOwn.body.your_guild.best_performance,
      logs_count: rivalOwn.body.your_guild.logs_count,
    });
    // The only compared guild whose item level is known sets the realm average; the one never asked about has none.
    expect(ours.body.realm_average).to.equal(Math.round(rivalOwn.body.your_guild.avg_ilvl * 10) / 10);
    const unknown = ours.body.compared_guilds.find((g: { guild_name: string }) => g.guild_name !== rival.name);
    expect(unknown).to.not.have.property('avg_ilvl');
  });

  it('lets the Guild Master clear the message with "", keeping the cleared text in the history', async () => {
    const gm = gmOf(big);
    const put = (message: string) =>
      call(`${url}/guilds/${big.id}/progress/message`, asApp(gm, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message }) }));
    expect((await put('Raid at 8')).status).to.equal(200);
    const cleared = await put('');
    expect(cleared.status, cleared.text).to.equal(200);
    expect(cleared.body.gm_message).to.equal(null);
    const read = await call(`${url}/guilds/${big.id}/progress/message`, asApp(gm));
    expect(read.body).to.include({ gm_message: null, created_by: gm });
    const history = await call(`${url}/guilds/${big.id}/progress/message/history`, asApp(gm));
    expect(history.body.history.map((h: { gm_message: string }) => h.gm_message)).to.deep.equal(['', 'Raid at 8']);
  });
});

describe("hool.gg's web app on a guild's first read", function () {
  let stack: Stack;
  let url: string;
  const spec = isolatedGuild(6);

  before(async () => {
    // No worker: nothing is fetched, as in the seconds after a guild is first opened.
    stack = await startStack({ api: true, worker: false, simulator: { world: { demo: false, guilds: [spec] } } });
    url = stack.api!.url;
  });
  after(async () => {
    await stack?.close();
  });

  it('gives characters not fetched yet a class, spec and role the app can lower-case', async () => {
    const guild = findGuild(stack.sim.world, spec.id)!;
    const owner = guild.members[0]!.bnetId;
    const reply = await call(`${url}/guilds/${guild.id}/progress/characters`, {
      headers: { cookie: `access_token=${stack.sim.tokenFor(owner)}`, origin: 'http://localhost:3000' },
    });
    expect(reply.status).to.equal(200);
    expect(reply.body.characters.length).to.be.greaterThan(0);
    for (const c of reply.body.characters) {
      expect(c).to.include({ class_name: 'Unknown', spec: 'Unknown', role: 'Unknown' });
      expect(c.progress).to.include({ status: 'unknown', status_label: 'Unknown' });
    }
  });
});
