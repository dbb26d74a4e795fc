import { expect } from 'chai';
import { fingerprint } from '../../security/db-state.js';
import { suiteStack } from '../../helpers/stack.js';
import { waitForIdle } from '../../helpers/worker.js';
import { bearer, call, expectError } from './helpers.js';

interface Member {
  character_name: string;
  realm: string;
  rank_id: number | null;
  current_ilvl: number | null;
  target_ilvl: number;
  gap: number | null;
  status: string;
  status_label: string;
  team_plan_id: number | null;
  team_plan: string | null;
  projected_week: number | null;
  at_risk: boolean;
}

/** The overview's gap and status rule: the gap to one decimal, ahead when not negative. */
const judged = (ilvl: number | null, target: number) => {
  if (ilvl === null) return { gap: null, status: 'unknown' };
  const gap = Math.round((ilvl - target) * 10) / 10;
  return { gap, status: gap >= 0 ? 'ahead' : 'behind' };
};

/** The CSV's rows as objects keyed by the header, BOM and quoting aside (no cell of these rows is quoted). */
function csvRows(text: string): Array<Record<string, string>> {
  const [header, ...lines] = text.replace(/^\uFEFF/, '').trim().split('\r\n');
  const columns = header!.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [columns[i], v])));
}

describe('team target plans: the overview, CSV and character view judge each member against its team', function () {
  const suite = suiteStack({ api: true, ownDatabase: true });
  const users = () => suite.stack.sim.world.demoUsers;
  const as = (bnetId: number) => ({ headers: bearer(suite.stack.sim.tokenFor(bnetId)) });
  const send = (method: string, path: string, bnetId: number, body?: unknown) =>
    call(`${suite.url}/guilds/1/progress${path}`, {
      method,
      headers: { ...bearer(suite.stack.sim.tokenFor(bnetId)), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const overview = (query = '') => call(`${suite.url}/guilds/1/progress/members?sort=name${query}`, as(users().officer));
  let baseline: Member[];
  let guildTarget: number;

  before(async () => {
    await overview();
    await waitForIdle(suite.stack.queues);
    const reply = await overview();
    baseline = reply.body.members;
    guildTarget = reply.body.target_ilvl;
    expect(baseline.filter((m) => m.current_ilvl !== null).length, 'members fetched').to.be.greaterThan(5);
  });

  it('changes the target, gap and status of exactly the members of a team plan, in JSON and CSV, and drops the cached overview', async () => {
    // The overview is cached now: the plan must still show on the very next read.
    expect((await overview()).body.members).to.deep.equal(baseline);
    const ranks = [...new Set(baseline.map((m) => m.rank_id).filter((r): r is number => r !== null))];
    const rank = ranks.find((r) => {
      const n = baseline.filter((m) => m.rank_id === r && m.current_ilvl !== null).length;
      return n >= 2 && n < baseline.length;
    });
    expect(rank, `a rank with several members among ${JSON.stringify(ranks)}`).to.not.equal(undefined);
    // A character view of a team member is cached now too: the plan must show there on the next read as well.
    const member = baseline.find((m) => m.rank_id === rank && m.current_ilvl !== null)!;
    const viewOf = (m: Member) => call(`${suite.url}/guilds/1/progress/character/${encodeURIComponent(m.character_name)}?realm=${m.realm}`, as(users().officer));
    expect((await viewOf(member)).body.target_ilvl).to.equal(guildTarget);
    expect((await viewOf(member)).body.target_ilvl).to.equal(guildTarget);
    // A large offset makes every member of the team behind, so statuses move, not only gaps.
    const created = await send('POST', '/team-plans', users().guildMaster, { name: 'Mythic team', ranks: [rank], offset: 30 });
    expect(created.status, created.text).to.equal(201);
    expect(created.body).to.include({ name: 'Mythic team', offset: 30, weeks: null, retired: false });
    const planId: number = created.body.id;

    const after = await overview();
    expect(after.status).to.equal(200);
    const memberView = await viewOf(member);
    expect(memberView.body.target_ilvl).to.equal(guildTarget + 30);
    expect(memberView.body.character.progress).to.include({ target_ilvl: guildTarget + 30, ...judged(member.current_ilvl, guildTarget + 30) });
    expect(after.body.target_ilvl, "the guild's own target is unchanged").to.equal(guildTarget);
    const byName = new Map((after.body.members as Member[]).map((m) => [m.character_name, m]));
    let moved = 0;
    for (const before of baseline) {
      const now = byName.get(before.character_name)!;
      if (before.rank_id === rank) {
        const expected = judged(before.current_ilvl, guildTarget + 30);
        expect(now, before.character_name).to.include({ target_ilvl: guildTarget + 30, team_plan_id: planId, team_plan: 'Mythic team', ...expected });
        if (now.status !== before.status) moved += 1;
      } else {
        expect(now, `${before.character_name} is on no team`).to.deep.equal(before);
      }
    }
    expect(moved, 'statuses that moved').to.be.greaterThan(0);
    const summary = after.body.summary;
    expect(summary.on_track + summary.behind + summary.unknown + summary.below_level_cap).to.equal(summary.total);
    expect(summary.behind).to.be.greaterThan((await overview('&plan=guild')).body.summary.behind);

    // The CSV carries the same rows.
    const csv = await overview('&format=csv');
    const rows = csvRows(csv.text);
    for (const row of rows) {
      const m = byName.get(row.character_name!)!;
      expect({ target: Number(row.target_ilvl), gap: row.gap === '' ? null : Number(row.gap), status: row.status, team: row.team_plan }, row.character_name).to.deep.equal({
        target: m.target_ilvl, gap: m.gap, status: m.status, team: m.team_plan ?? '',
      });
    }
    expect(rows).to.have.length(baseline.length);

    // The status filter and the gap sort follow each member's own target.
    const behind = await call(`${suite.url}/guilds/1/progress/members?status=behind&sort=gap`, as(users().officer));
    expect(behind.status, behind.text).to.equal(200);
    const expectedBehind = (after.body.members as Member[]).filter((m) => m.status === 'behind');
    expect((behind.body.members as Member[]).map((m) => m.character_name).sort()).to.deep.equal(expectedBehind.map((m) => m.character_name).sort());
    const gaps = (behind.body.members as Member[]).map((m) => m.gap as number);
    expect(gaps).to.deep.equal([...gaps].sort((a, b) => a - b));

    // A plan naming a character wins over its rank's plan: weekly targets of its own.
    const named = baseline.find((m) => m.rank_id === rank && m.current_ilvl !== null)!;
    const own = await send('POST', '/team-plans', users().guildMaster, {
      name: 'Bench', members: [{ character_name: named.character_name.toUpperCase(), realm: named.realm }], weeks: [{ week: 1, ilvl_target: 100 }],
    });
    expect(own.status, own.text).to.equal(201);
    const withBench = new Map(((await overview()).body.members as Member[]).map((m) => [m.character_name, m]));
    expect(withBench.get(named.character_name)).to.include({ target_ilvl: 100, team_plan: 'Bench', status: 'ahead' });

    // The character view judges the member the same way.
    const view = await call(
      `${suite.url}/guilds/1/progress/character/${encodeURIComponent(named.character_name)}?realm=${named.realm}`,
      as(users().officer),
    );
    expect(view.status, view.text).to.equal(200);
    expect(view.body.target_ilvl).to.equal(100);
    const other = baseline.find((m) => m.rank_id === rank && m.character_name !== named.character_name && m.current_ilvl !== null)!;
    const otherView = await call(`${suite.url}/guilds/1/progress/character/${encodeURIComponent(other.character_name)}?realm=${other.realm}`, as(users().officer));
    expect(otherView.body.target_ilvl).to.equal(guildTarget + 30);

    // Listing, history and retiring.
    const list = await send('GET', '/team-plans', users().officer);
    expect(list.status, list.text).to.equal(200);
    expect(list.body.plans.map((p: { name: string; current_target_ilvl: number }) => [p.name, p.current_target_ilvl])).to.deep.equal([
      ['Mythic team', guildTarget + 30], ['Bench', 100],
    ]);
    const changed = await send('PUT', `/team-plans/${planId}`, users().guildMaster, { name: 'Mythic team', ranks: [rank], offset: 3 });
    expect(changed.status, changed.text).to.equal(200);
    const history = await send('GET', `/team-plans/${planId}/history`, users().officer);
    expect(history.body.versions.map((v: { offset: number }) => v.offset)).to.deep.equal([3, 30]);
    expect(((await overview()).body.members as Member[]).find((m) => m.character_name === other.character_name)).to.include({ target_ilvl: guildTarget + 3 });

    expect((await send('DELETE', `/team-plans/${planId}`, users().guildMaster)).status).to.equal(200);
    expect((await send('DELETE', `/team-plans/${own.body.id}`, users().guildMaster)).status).to.equal(200);
    expect((await overview()).body.members).to.deep.equal(baseline);
    expectError(await send('PUT', `/team-plans/${planId}`, users().guildMaster, { name: 'Again', ranks: [rank], offset: 1 }), 404, 'team_plan_not_found');
    expect((await send('GET', `/team-plans/${planId}/history`, users().officer)).body.versions).to.have.length(3);
  });

  it('previews a plan with ?plan= without storing anything, and never serves the preview as the overview', async () => {
    const created = await send('POST', '/team-plans', users().guildMaster, { name: 'Stretch', ranks: [0], offset: 7 });
    expect(created.status, created.text).to.equal(201);
    const planId: number = created.body.id;
    // "My characters" judges each of the caller's characters by its own rank's plan.
    const mine = await call(`${suite.url}/guilds/1/progress/characters`, as(users().guildMaster));
    expect(mine.status, mine.text).to.equal(200);
    const rankOf = new Map(baseline.map((m) => [m.character_name, m.rank_id]));
    const targets = (mine.body.characters as Array<{ character_name: string; progress: { target_ilvl: number } }>).map((c) => [
      rankOf.get(c.character_name), c.progress.target_ilvl,
    ]);
    expect(targets.some(([rank]) => rank === 0), JSON.stringify(targets)).to.equal(true);
    expect(targets.every(([rank, target]) => target === (rank === 0 ? guildTarget + 7 : guildTarget)), JSON.stringify(targets)).to.equal(true);
    const real = (await overview()).body;
    // What a preview could write: plans, targets, messages, tokens (a background guild sync may touch the rest).
    const stored = async () => {
      const all = await fingerprint(suite.stack.config.databaseUrl);
      return { team_plans: all.team_plans, guild_plans: all.guild_plans, weekly_targets: all.weekly_targets, guild_messages: all.guild_messages, api_tokens: all.api_tokens };
    };
    const before = await stored();

    const preview = await overview(`&plan=${planId}`);
    expect(preview.status, preview.text).to.equal(200);
    expect(preview.body.preview).to.deep.equal({ plan: planId });
    for (const m of preview.body.members as Member[]) {
      expect(m, m.character_name).to.include({ target_ilvl: guildTarget + 7, team_plan_id: planId, ...judged(m.current_ilvl, guildTarget + 7) });
    }
    const csv = csvRows((await overview(`&plan=${planId}&format=csv`)).text);
    expect(csv.every((r) => Number(r.target_ilvl) === guildTarget + 7)).to.equal(true);
    const guildOnly = await overview('&plan=guild');
    expect(guildOnly.body.preview).to.deep.equal({ plan: 'guild' });
    expect((guildOnly.body.members as Member[]).every((m) => m.target_ilvl === guildTarget && m.team_plan_id === null)).to.equal(true);
    expectError(await overview('&plan=999999'), 404, 'team_plan_not_found');
    expectError(await overview('&plan=abc'), 400, 'invalid_parameter');

    expect(await stored(), 'nothing stored changed').to.deep.equal(before);
    const again = (await overview()).body;
    expect(again).to.not.have.property('preview');
    expect(again).to.deep.equal(real);
  });

  it('lets only the Guild Master write plans, and refuses plans that are not one', async () => {
    expect((await send('POST', '/team-plans', users().officer, { name: 'x', ranks: [1], offset: 1 })).status).to.equal(403);
    expect((await send('GET', '/team-plans', users().member)).status).to.equal(403);
    expectError(await send('POST', '/team-plans', users().guildMaster, { name: 'x', ranks: [1], offset: 1, weeks: [{ week: 1, ilvl_target: 200 }] }), 422, 'validation_failed');
    expectError(await send('POST', '/team-plans', users().guildMaster, { name: 'x', offset: 1 }), 422, 'validation_failed');
    expectError(await send('POST', '/team-plans', users().guildMaster, { name: 'x', ranks: [1], weeks: [{ week: 0, ilvl_target: 200 }] }), 422, 'validation_failed');
  });
});
