import { expect } from 'chai';
import { ManualClock } from '../../../src/clock.js';
import { openOrm } from '../../../src/db/orm.js';
import { planHorizon, projectWeek, weeklyGain } from '../../../src/domain/forecast.js';
import type { GearSlot } from '../../../src/domain/types.js';
import { DEFAULT_TRACK_TABLE, upgradePlan } from '../../../src/domain/upgrades.js';
import { progressFor } from '../../../src/domain/progress.js';
import type { SeasonPlan } from '../../../src/domain/types.js';
import { characterRefreshJob, PRIORITY } from '../../../src/queue/character-refresh.js';
import { findCharacter, findGuild, type SimMembership } from '../../../src/sim/index.js';
import { startStack, type Stack } from '../../helpers/stack.js';
import { createMigratedDatabase, dropDatabase, testRun } from '../../helpers/test-env.js';
import { storeGuildApiRoster } from '../../../src/db/tables/guild-api-rosters.js';
import { guildSyncJob } from '../../../src/queue/guild-sync.js';
import { expectedItemLevel, guildApiListOf, guildRefOf, waitForIdle } from '../../helpers/worker.js';
import { bearer, call, expectError, isolatedGuild } from './helpers.js';

const DAY = 86_400_000;
const WEEK = 7 * DAY;

/** Tuesdays from 2026-12-01 (US reset 15:00 UTC); targets climb 5 a week around characters near 250. */
const PLAN: SeasonPlan = {
  expansion: 'Trajectory Test',
  season: 'Winter',
  weeks: Array.from({ length: 10 }, (_, i) => ({
    week: i + 1,
    startDate: new Date(Date.UTC(2026, 11, 1) + i * WEEK).toISOString().slice(0, 10),
    targetIlvl: 250 + 5 * i,
    description: `Week ${i + 1}`,
    isGlobal: false,
  })),
};

/**
 * Where each raider is heading, on a real api and worker over the simulator: the clock walks four weeks, the
 * simulator upgrades a character's gear each week, and the worker writes one history point per refresh.
 */
describe('trajectory: history, forecast, audit columns and upgrade plan', function () {
  this.timeout(120_000);
  const databaseName = `${testRun.databaseName}_trajectory`;
  const guildSpec = isolatedGuild(6, 'us');
  // Wednesday of week 1, after the US reset.
  const clock = new ManualClock('2026-12-02T12:00:00Z');
  let stack: Stack;
  let url: string;
  let member: SimMembership;
  /** The item level the worker stored at each refresh, by UTC day. */
  const laidDown: Array<{ date: string; ilvl: number }> = [];

  const officer = () => findGuild(stack.sim.world, guildSpec.id)!.members.find((m) => m.rankId <= 1)!.bnetId;
  const as = () => ({ headers: bearer(stack.sim.tokenFor(officer())) });
  const characterPath = (suffix = '', query = '') =>
    `${url}/guilds/${guildSpec.id}/progress/character/${encodeURIComponent(member.characterName)}${suffix}?realm=${member.realmSlug}${query}`;

  async function refreshAt(instant: number): Promise<void> {
    clock.set(instant);
    await characterRefreshJob.enqueue(stack.queues, { region: 'us', realm: member.realmSlug, name: member.characterName, reason: 'manual' }, { priority: PRIORITY.reader });
    await waitForIdle(stack.queues);
    laidDown.push({ date: new Date(instant).toISOString().slice(0, 10), ilvl: expectedItemLevel(findSimCharacter()) });
  }

  const findSimCharacter = () => findCharacter(stack.sim.world, 'us', member.realmSlug, member.characterName)!;

  let databaseUrl: string;

  before(async () => {
    databaseUrl = await createMigratedDatabase(databaseName, [PLAN]);
    stack = await startStack({
      api: true,
      clock,
      env: { DATABASE_URL: databaseUrl, CHARACTER_CACHE_TTL: String(90 * 86400) },
      simulator: { world: { guilds: [guildSpec], ilvlCenter: 248, demo: false } },
    });
    url = stack.api!.url;
    expect((await call(`${url}/guilds/${guildSpec.id}/progress/members`, as())).status).to.equal(200);
    await waitForIdle(stack.queues, 60_000);
    member = findGuild(stack.sim.world, guildSpec.id)!.members[0]!;
    const start = clock.now().getTime();
    laidDown.push({ date: '2026-12-02', ilvl: expectedItemLevel(findSimCharacter()) });
    // Three more weeks, one gear upgrade and one refresh each (Thursday midday, after every region's reset).
    for (let week = 1; week <= 3; week += 1) {
      stack.sim.changeGear('us', member.realmSlug, member.characterName);
      await refreshAt(start + week * WEEK + DAY);
    }
  });
  after(async () => {
    await stack?.close();
    await dropDatabase(databaseName);
  });

  describe('history', () => {
    it('the character view carries the last 12 weeks of daily points and the target line of the same weeks', async () => {
      const reply = await call(characterPath(), as());
      expect(reply.status, reply.text).to.equal(200);
      const { history } = reply.body;
      expect(history).to.include({ weeks: 12, to: '2026-12-24', from: '2026-10-02' });
      expect(history.points).to.deep.equal(laidDown.map((p) => ({ date: p.date, ilvl: p.ilvl })));
      // Before the plan begins its first week applies; weeks 1-4 follow at each US reset.
      expect(history.targets.map((t: { week: number; target_ilvl: number; starts_at: string }) => [t.week, t.target_ilvl, t.starts_at])).to.deep.equal([
        [1, 250, '2026-12-01T15:00:00.000Z'],
        [2, 255, '2026-12-08T15:00:00.000Z'],
        [3, 260, '2026-12-15T15:00:00.000Z'],
        [4, 265, '2026-12-22T15:00:00.000Z'],
      ]);
      expect(reply.body.current_week).to.equal(4);
    });

    it('the history route serves longer or shorter ranges, as JSON or CSV', async () => {
      const short = await call(characterPath('/history', '&weeks=2'), as());
      expect(short.status, short.text).to.equal(200);
      expect(short.body).to.include({ character_name: member.characterName, realm: member.realmSlug, region: 'us', weeks: 2, from: '2026-12-11', to: '2026-12-24' });
      expect(short.body.points.map((p: { date: string }) => p.date)).to.deep.equal(['2026-12-17', '2026-12-24']);
      expect(short.body.targets.map((t: { week: number }) => t.week)).to.deep.equal([2, 3, 4]);

      const long = await call(characterPath('/history', '&weeks=156'), as());
      expect(long.status).to.equal(200);
      expect(long.body.points).to.have.length(laidDown.length);

      const csv = await call(characterPath('/history', '&format=csv'), as());
      expect(csv.status).to.equal(200);
      expect(csv.headers.get('content-type')).to.match(/^text\/csv/);
      expect(csv.headers.get('content-disposition')).to.match(/attachment/);
      const [header, ...rows] = csv.text.split('\r\n').filter((l) => l !== '');
      expect(header).to.equal('date,ilvl,week,target_ilvl');
      // Each day with the week in force at its end: Wednesday 2 Dec week 1, then Thursdays of weeks 2, 3, 4.
      expect(rows).to.deep.equal(laidDown.map((p, i) => `${p.date},${p.ilvl},${i + 1},${250 + 5 * i}`));
    });

    it('refuses a weeks value out of bounds or not a number (400), and an unknown member (404)', async () => {
      for (const weeks of ['0', '157', 'abc', '-1', '2.5']) {
        const reply = await call(characterPath('/history', `&weeks=${weeks}`), as());
        expectError(reply, 400, 'invalid_parameter');
        expect(reply.body.details.map((d: { field: string }) => d.field)).to.include('weeks');
      }
      expectError(await call(`${url}/guilds/${guildSpec.id}/progress/character/Nosuchperson/history?realm=${member.realmSlug}`, as()), 404, 'character_not_found');
    });
  });

  describe('forecast', () => {
    const expectedFor = (points: Array<{ date: string; ilvl: number }>, ilvl: number | null) => {
      const gain = weeklyGain(points.map((p) => ({ date: p.date, itemLevel: p.ilvl })), '2026-12-24');
      const horizon = planHorizon(PLAN, clock.now(), 'us');
      const projection = projectWeek(ilvl, gain.weeklyGain, horizon.currentWeek, horizon.weeks);
      const atRisk = progressFor(ilvl, horizon.weeks[0]!.targetIlvl).status === 'behind' && projection.projectedWeek === null;
      return { gain, projection, atRisk };
    };

    it('the character view shows the weekly gain the worker measured, its confidence and the projected week', async () => {
      const reply = await call(characterPath(), as());
      expect(reply.status).to.equal(200);
      const current = laidDown.at(-1)!.ilvl;
      const { gain, projection, atRisk } = expectedFor(laidDown, current);
      expect(gain.weeksMeasured).to.equal(3);
      expect(reply.body.forecast).to.deep.equal({
        weekly_gain: gain.weeklyGain,
        confidence: gain.confidence,
        projected_week: projection.projectedWeek,
        reason: projection.reason,
        message: projection.message,
        at_risk: atRisk,
      });
    });

    it('the overview has weekly_gain, projected_week and at_risk columns, sorts on them and filters at_risk=true', async () => {
      const path = `${url}/guilds/${guildSpec.id}/progress/members`;
      const reply = await call(`${path}?sort=name`, as());
      expect(reply.status).to.equal(200);
      const rows: Array<{ character_name: string; current_ilvl: number; weekly_gain: number | null; projected_week: number | null; at_risk: boolean }> = reply.body.members;
      expect(rows).to.have.length(guildSpec.members);
      for (const row of rows) {
        // Every other member has one day of history: no gain yet.
        const points = row.character_name === member.characterName ? laidDown : [{ date: '2026-12-02', ilvl: row.current_ilvl }];
        const { gain, projection, atRisk } = expectedFor(points, row.current_ilvl);
        expect({ gain: row.weekly_gain, week: row.projected_week, atRisk: row.at_risk }, row.character_name).to.deep.equal({
          gain: gain.weeklyGain, week: projection.projectedWeek, atRisk,
        });
      }
      expect(reply.body.summary.at_risk).to.equal(rows.filter((r) => r.at_risk).length);

      const risky = await call(`${path}?at_risk=true&sort=name`, as());
      expect(risky.body.members.map((m: { character_name: string }) => m.character_name)).to.deep.equal(rows.filter((r) => r.at_risk).map((r) => r.character_name));
      expect(risky.body.total).to.equal(rows.filter((r) => r.at_risk).length);
      const safe = await call(`${path}?at_risk=false&sort=name`, as());
      expect(safe.body.total).to.equal(rows.filter((r) => !r.at_risk).length);

      const byGain = await call(`${path}?sort=weekly_gain`, as());
      expect(byGain.body.members[0].character_name).to.equal(member.characterName);
      const byWeek = await call(`${path}?sort=projected_week`, as());
      const weeks = byWeek.body.members.map((m: { projected_week: number | null }) => m.projected_week ?? Infinity);
      expect(weeks).to.deep.equal([...weeks].sort((a, b) => a - b));
      expectError(await call(`${path}?at_risk=maybe`, as()), 400, 'invalid_parameter');

      const csv = await call(`${path}?sort=name&format=csv`, as());
      const [header, first] = csv.text.split('\r\n');
      const columns = header!.split(',');
      expect(columns).to.include.members(['weekly_gain', 'projected_week', 'at_risk']);
      expect(first!.split(',')[columns.indexOf('at_risk')]).to.equal(String(rows[0]!.at_risk));
    });
  });

  describe('audit columns', () => {
    interface AuditRow { character_name: string; realm: string; missing_enchants: number | null; empty_sockets: number | null; tier_pieces: number | null }

    it('the overview shows the counts of the audit each character view has, filters on them and writes them to CSV', async () => {
      const path = `${url}/guilds/${guildSpec.id}/progress/members`;
      const rows: AuditRow[] = (await call(`${path}?sort=name`, as())).body.members;
      for (const row of rows) {
        const view = await call(`${url}/guilds/${guildSpec.id}/progress/character/${encodeURIComponent(row.character_name)}?realm=${row.realm}`, as());
        const { audit } = view.body.character;
        expect([row.missing_enchants, row.empty_sockets, row.tier_pieces], row.character_name).to.deep.equal([
          audit.missing_enchants.length, audit.empty_sockets, audit.tier_pieces,
        ]);
      }
      const expected: Record<string, (r: AuditRow) => boolean> = {
        missing_enchants: (r) => (r.missing_enchants ?? 0) > 0,
        empty_sockets: (r) => (r.empty_sockets ?? 0) > 0,
        tier_lt_4: (r) => r.tier_pieces !== null && r.tier_pieces < 4,
      };
      for (const [filter, keep] of Object.entries(expected)) {
        const reply = await call(`${path}?sort=name&audit=${filter.toUpperCase()}`, as());
        expect(reply.status, reply.text).to.equal(200);
        expect(reply.body.members.map((m: AuditRow) => m.character_name), filter).to.deep.equal(rows.filter(keep).map((r) => r.character_name));
      }
      // The simulated guild has members who skip enchants and tier pieces, so the filters are not vacuous.
      expect(rows.some(expected.missing_enchants!) || rows.some(expected.tier_lt_4!)).to.equal(true);
      expectError(await call(`${path}?audit=no_gems`, as()), 400, 'invalid_parameter');

      const csv = await call(`${path}?sort=name&format=csv`, as());
      const [header, ...lines] = csv.text.split('\r\n').filter((l) => l !== '');
      const columns = header!.split(',');
      lines.forEach((line, i) => {
        const cells = line.split(',');
        const row = rows[i]!;
        expect(['missing_enchants', 'empty_sockets', 'tier_pieces'].map((c) => cells[columns.indexOf(c)])).to.deep.equal(
          [row.missing_enchants, row.empty_sockets, row.tier_pieces].map((v) => (v === null ? '' : String(v))),
        );
      });
    });
  });

  describe('upgrade plan', () => {
    it('the character view plans the fewest upgrades of the simulated gear that reach this week’s target', async () => {
      const guild = findGuild(stack.sim.world, guildSpec.id)!;
      let planned = 0;
      for (const m of guild.members) {
        const sim = findCharacter(stack.sim.world, 'us', m.realmSlug, m.characterName)!;
        const reply = await call(`${url}/guilds/${guildSpec.id}/progress/character/${encodeURIComponent(m.characterName)}?realm=${m.realmSlug}`, as());
        expect(reply.status).to.equal(200);
        const plan = reply.body.upgrade_plan;
        // The same plan from the simulator's own items: its tracks and ranks, a lone two-hander counted twice.
        const worn = sim.items.filter((i) => i.slot !== 'SHIRT' && i.slot !== 'TABARD');
        const hasOffHand = worn.some((i) => i.slot === 'OFF_HAND');
        const pieces = worn.map((i) => ({
          slot: i.slot.toLowerCase() as GearSlot,
          itemLevel: i.itemLevel,
          track: i.track ? `${i.track.name} ${i.track.rank}/${i.track.max}` : null,
          weight: i.slot === 'MAIN_HAND' && !hasOffHand && ['TWOHWEAPON', 'RANGED', 'RANGEDRIGHT'].includes(i.inventoryType) ? 2 : 1,
        }));
        const expected = upgradePlan(pieces, DEFAULT_TRACK_TABLE, 265);
        expect(plan, m.characterName).to.deep.include({
          target_ilvl: 265, current_ilvl: reply.body.character.current_ilvl, reachable: expected.reachable, ilvl_after: expected.ilvlAfter,
          track_table: 'Midnight Season 1',
        });
        expect(plan.steps.map((s: { slot: string; from: string; to: string; ilvl_gain: number }) => [s.slot, s.from, s.to, s.ilvl_gain]), m.characterName).to.deep.equal(
          expected.steps.map((s) => [s.slot, `${s.track} ${s.fromRank}/${s.maxRank}`, `${s.track} ${s.toRank}/${s.maxRank}`, s.ilvlGain]),
        );
        if (plan.reachable) expect(plan.steps.at(-1)?.average_after ?? plan.current_ilvl).to.be.at.least(265 - 0.05);
        planned += plan.steps.length;
      }
      // Characters around 248 against 265: there is something to plan.
      expect(planned).to.be.greaterThan(0);
    });
  });

  // Last: it renames the member the other cases follow.
  describe('one identity', () => {
    it('a rename (same Battle.net id) keeps history and membership; the old name is 404 naming the new one', async () => {
      const oldName = member.characterName;
      const realm = member.realmSlug;
      const path = `${url}/guilds/${guildSpec.id}/progress`;
      expect((await call(`${path}/character/${encodeURIComponent(oldName)}?realm=${realm}`, as())).status).to.equal(200);
      stack.sim.renameCharacter('us', realm, oldName, 'Trajectoria');

      // What the api does when it next reads the guild from guild-api: the list names the new name only.
      const orm = await openOrm({ databaseUrl, poolMax: 1 });
      try {
        await storeGuildApiRoster(orm, guildSpec.id, guildApiListOf(stack.sim, guildSpec.id), new Date(Math.max(Date.now(), clock.now().getTime()) + 3_600_000));
      } finally {
        await orm.close(true);
      }
      await guildSyncJob.enqueue(stack.queues, { guild: guildRefOf(stack.sim, guildSpec.id), reason: 'manual' });
      await waitForIdle(stack.queues);

      const renamed = await call(`${path}/character/Trajectoria?realm=${realm}`, as());
      expect(renamed.status, renamed.text).to.equal(200);
      expect(renamed.body.character.character_name).to.equal('Trajectoria');
      expect(renamed.body.history.points).to.deep.equal(laidDown.map((p) => ({ date: p.date, ilvl: p.ilvl })));
      expect(renamed.body.forecast.weekly_gain).to.equal(weeklyGain(laidDown.map((p) => ({ date: p.date, itemLevel: p.ilvl })), '2026-12-24').weeklyGain);

      const old = await call(`${path}/character/${encodeURIComponent(oldName)}?realm=${realm}`, as());
      expectError(old, 404, 'character_not_found', `Character not found: ${oldName} is now Trajectoria (${realm})`);
      expect(old.body.details).to.deep.equal([{ field: 'character_name', in: 'path', message: `renamed or moved: now Trajectoria on ${realm}` }]);
      expectError(await call(`${path}/character/${encodeURIComponent(oldName)}/history?realm=${realm}`, as()), 404, 'character_not_found');

      const names = (await call(`${path}/members?sort=name`, as())).body.members.map((m: { character_name: string }) => m.character_name);
      expect(names.filter((n: string) => n === 'Trajectoria')).to.have.length(1);
      expect(names).to.not.include(oldName);
      expect(names).to.have.length(guildSpec.members);
    });

    it('a realm transfer (same Battle.net id) keeps the character too; the old realm is 404 naming the new one', async () => {
      const guild = findGuild(stack.sim.world, guildSpec.id)!;
      const mover = guild.members.find((m) => m.characterName !== 'Trajectoria')!;
      const { characterName: name, realmSlug: oldRealm } = mover;
      const newRealm = `${guildSpec.realm}-transfer`;
      const path = `${url}/guilds/${guildSpec.id}/progress`;
      const before = await call(`${path}/character/${encodeURIComponent(name)}?realm=${oldRealm}`, as());
      expect(before.status).to.equal(200);
      stack.sim.renameCharacter('us', oldRealm, name, name, newRealm);

      const orm = await openOrm({ databaseUrl, poolMax: 1 });
      try {
        await storeGuildApiRoster(orm, guildSpec.id, guildApiListOf(stack.sim, guildSpec.id), new Date(Math.max(Date.now(), clock.now().getTime()) + 7_200_000));
      } finally {
        await orm.close(true);
      }
      await guildSyncJob.enqueue(stack.queues, { guild: guildRefOf(stack.sim, guildSpec.id), reason: 'manual' });
      await waitForIdle(stack.queues);

      const moved = await call(`${path}/character/${encodeURIComponent(name)}?realm=${newRealm}`, as());
      expect(moved.status, moved.text).to.equal(200);
      expect(moved.body.character.realm).to.equal(newRealm);
      // Its first point, laid down under the old realm, is still there.
      expect(moved.body.history.points.map((p: { date: string }) => p.date)).to.include('2026-12-02');
      const old = await call(`${path}/character/${encodeURIComponent(name)}?realm=${oldRealm}`, as());
      expectError(old, 404, 'character_not_found', `Character not found: ${name} is now ${name} (${newRealm})`);
      const rows = (await call(`${path}/members?sort=name`, as())).body.members.filter((m: { character_name: string }) => m.character_name === name);
      expect(rows.map((m: { realm: string }) => m.realm)).to.deep.equal([newRealm]);
    });
  });
});
