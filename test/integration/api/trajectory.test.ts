import { expect } from 'chai';
import { ManualClock } from '../../../src/clock.js';
import { openOrm } from '../../../src/db/orm.js';
import { saveSeasonPlan } from '../../../src/db/tables/weekly-targets.js';
import type { SeasonPlan } from '../../../src/domain/types.js';
import { characterRefreshJob, PRIORITY } from '../../../src/queue/character-refresh.js';
import { findCharacter, findGuild, type SimMembership } from '../../../src/sim/index.js';
import { startStack, type Stack } from '../../helpers/stack.js';
import { createMigratedDatabase, dropDatabase, testRun } from '../../helpers/test-env.js';
import { expectedItemLevel, waitForIdle } from '../../helpers/worker.js';
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

  before(async () => {
    const databaseUrl = await createMigratedDatabase(databaseName);
    const orm = await openOrm({ databaseUrl, poolMax: 2 });
    try {
      await saveSeasonPlan(orm.em.fork(), PLAN);
    } finally {
      await orm.close(true);
    }
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
});
