import { expect } from 'chai';
import { ManualClock } from '../../../src/clock.js';
import { formatNumber } from '../../../src/domain/format.js';
import { decemberPlan } from '../../fixtures/december-plan.js';
import { nameKey } from '../../../src/queue/schemas.js';
import { memberLookupField } from '../../../src/redis.js';
import { findGuild } from '../../../src/sim/index.js';
import { startStack, type Stack } from '../../helpers/stack.js';
import { createMigratedDatabase, dropDatabase, testRun } from '../../helpers/test-env.js';
import { sql as query } from '../../helpers/sql.js';
import { waitForIdle } from '../../helpers/worker.js';
import { bearer, call, isolatedGuild } from './helpers.js';

/** Targets 265 → 275 across the week-2 reset, around members near 270. */
const PLAN = decemberPlan('Reset Test', [250, 265, 275, 280]);

interface Member {
  character_name: string;
  realm: string;
  current_ilvl: number;
  target_ilvl: number;
  gap: number;
  status: string;
  status_label: string;
}

const gapOf = (ilvl: number, target: number) => Math.round((ilvl - target) * 10) / 10;
const statusOf = (ilvl: number, target: number) => (gapOf(ilvl, target) >= 0 ? 'ahead' : 'behind');

/**
 * The week turns at each region's reset instant, everywhere a target is shown: one second before it every
 * endpoint still shows the old week, at the instant every endpoint shows the new one, caches included.
 */
describe('the week turns at the reset instant (US Tuesday 15:00 UTC, EU Wednesday 04:00 UTC)', function () {
  this.timeout(120_000);
  const databaseName = `${testRun.databaseName}_resets`;
  // Thirty members each, so that some sit between the two targets whatever ids the run gives the guilds (their gear follows the id).
  const usGuild = isolatedGuild(30, 'us');
  const euGuild = isolatedGuild(30, 'eu');
  const clock = new ManualClock('2026-12-08T12:00:00Z');
  let stack: Stack;
  let url: string;
  let databaseUrl: string;
  const sql = <T extends Record<string, unknown>>(text: string, params: unknown[]) => query<T>(text, params, databaseUrl);

  const officerOf = (guildId: number) => findGuild(stack.sim.world, guildId)!.members.find((m) => m.rankId <= 1)!.bnetId;
  const as = (guildId: number) => ({ headers: bearer(stack.sim.tokenFor(officerOf(guildId))) });
  const overview = (guildId: number, query = '') => call(`${url}/guilds/${guildId}/progress/members${query}`, as(guildId));
  const roadmap = (guildId: number) => call(`${url}/guilds/${guildId}/progress/roadmap`, as(guildId));
  const view = (guildId: number, m: Member) =>
    call(`${url}/guilds/${guildId}/progress/character/${encodeURIComponent(m.character_name)}?realm=${m.realm}`, as(guildId));
  const mine = (guildId: number) => call(`${url}/guilds/${guildId}/progress/characters`, as(guildId));

  before(async () => {
    databaseUrl = await createMigratedDatabase(databaseName, [PLAN]);
    stack = await startStack({
      api: true,
      clock,
      // Fresh for sixty days, so nothing turns stale while the clock walks across the resets.
      env: { DATABASE_URL: databaseUrl, CHARACTER_CACHE_TTL: String(60 * 86400) },
      simulator: { world: { guilds: [usGuild, euGuild], ilvlCenter: 270, demo: false } },
    });
    url = stack.api!.url;
    for (const guild of [usGuild, euGuild]) expect((await overview(guild.id)).status).to.equal(200);
    await waitForIdle(stack.queues, 60_000);
  });
  after(async () => {
    await stack?.close();
    await dropDatabase(databaseName);
  });

  /** Every part of the overview against one week: header, each row, the summary, and the CSV rows. */
  async function expectOverviewAt(guildId: number, week: number, target: number): Promise<Member[]> {
    const reply = await overview(guildId, '?sort=name&limit=1000');
    expect(reply.status, reply.text).to.equal(200);
    expect(reply.body).to.include({ current_week: week, target_ilvl: target });
    const members: Member[] = reply.body.members;
    expect(members.length).to.equal(usGuild.members);
    for (const m of members) {
      expect(m.current_ilvl, m.character_name).to.be.a('number');
      expect(m.target_ilvl, m.character_name).to.equal(target);
      expect(m.gap, m.character_name).to.equal(gapOf(m.current_ilvl, target));
      expect(m.status, m.character_name).to.equal(statusOf(m.current_ilvl, target));
    }
    expect(reply.body.summary.on_track).to.equal(members.filter((m) => m.status === 'ahead').length);

    const csv = await overview(guildId, '?sort=name&limit=1000&format=csv');
    expect(csv.status).to.equal(200);
    const [header, ...rows] = csv.text.trim().split('\r\n');
    const columns = (header as string).split(',');
    expect(rows).to.have.length(members.length);
    rows.forEach((row, i) => {
      const cells = row.split(',');
      const cell = (name: string) => cells[columns.indexOf(name)];
      const m = members[i] as Member;
      expect(cell('character_name')).to.equal(m.character_name);
      expect(cell('target_ilvl'), m.character_name).to.equal(String(target));
      expect(cell('gap'), m.character_name).to.equal(String(gapOf(m.current_ilvl, target)));
      expect(cell('status'), m.character_name).to.equal(statusOf(m.current_ilvl, target));
    });
    return members;
  }

  async function expectViewAt(guildId: number, m: Member, week: number, target: number): Promise<void> {
    const reply = await view(guildId, m);
    expect(reply.status, reply.text).to.equal(200);
    expect(reply.body).to.include({ current_week: week, target_ilvl: target });
    const gap = gapOf(m.current_ilvl, target);
    expect(reply.body.character.progress).to.include({ current_week: week, target_ilvl: target, gap, status: statusOf(m.current_ilvl, target) });
    const figures = `Target: ${formatNumber(target)}, Current: ${formatNumber(m.current_ilvl)}`;
    const message = gap < 0 ? `${formatNumber(-gap)} iLvl behind. ${figures}` : gap > 0 ? `Ahead of schedule! ${figures}` : `On target! ${figures}`;
    expect(reply.body.character.progress.message).to.equal(message);
  }

  async function expectRoadmapAt(guildId: number, week: number, starts: string[]): Promise<void> {
    const reply = await roadmap(guildId);
    expect(reply.status, reply.text).to.equal(200);
    expect(reply.body.current_week).to.equal(week);
    expect(reply.body.weeks.map((w: { week: number; is_current: boolean }) => [w.week, w.is_current])).to.deep.equal(
      PLAN.weeks.map((w) => [w.week, w.week === week]),
    );
    expect(reply.body.weeks.map((w: { start_date: string }) => w.start_date)).to.deep.equal(starts);
  }

  /** A member whose status differs between the two targets, so the flip shows on a row, not only in the header. */
  const flipping = (members: Member[]) => members.find((m) => statusOf(m.current_ilvl, 265) !== statusOf(m.current_ilvl, 275));

  it('US guild: 14:59:59 is week 1 and 15:00:00 is week 2 on the overview (JSON and CSV), the character view and the roadmap', async () => {
    clock.set('2026-12-08T14:59:59Z');
    const before = await expectOverviewAt(usGuild.id, 1, 265);
    const member = flipping(before);
    expect(member, `a member between 265 and 275: ${before.map((m) => m.current_ilvl).join(', ')}`).to.not.equal(undefined);
    await expectViewAt(usGuild.id, member!, 1, 265);
    // Read twice: the second answer comes from the cache, which must not carry it past the reset.
    await expectViewAt(usGuild.id, member!, 1, 265);
    await expectRoadmapAt(usGuild.id, 1, ['2026-11-24', '2026-12-01', '2026-12-08', '2026-12-15']);
    expect((await mine(usGuild.id)).body).to.include({ current_week: 1, target_ilvl: 265 });

    clock.set('2026-12-08T15:00:00Z');
    const after = await expectOverviewAt(usGuild.id, 2, 275);
    const flipped = after.find((m) => m.character_name === member!.character_name)!;
    expect(flipped.status).to.not.equal(member!.status);
    await expectViewAt(usGuild.id, member!, 2, 275);
    await expectRoadmapAt(usGuild.id, 2, ['2026-11-24', '2026-12-01', '2026-12-08', '2026-12-15']);
    expect((await mine(usGuild.id)).body).to.include({ current_week: 2, target_ilvl: 275 });
  });

  it('EU guild: still week 1 at the US reset; 03:59:59 on Wednesday is week 1 and 04:00:00 is week 2', async () => {
    clock.set('2026-12-08T15:00:00Z');
    await expectOverviewAt(euGuild.id, 1, 265);

    clock.set('2026-12-09T03:59:59Z');
    const before = await expectOverviewAt(euGuild.id, 1, 265);
    const member = flipping(before);
    expect(member, `a member between 265 and 275: ${before.map((m) => m.current_ilvl).join(', ')}`).to.not.equal(undefined);
    await expectViewAt(euGuild.id, member!, 1, 265);
    await expectViewAt(euGuild.id, member!, 1, 265);
    // The launch week is global (the US instant everywhere); the later weeks begin on Wednesdays in the EU.
    await expectRoadmapAt(euGuild.id, 1, ['2026-11-24', '2026-12-02', '2026-12-09', '2026-12-16']);

    clock.set('2026-12-09T04:00:00Z');
    const after = await expectOverviewAt(euGuild.id, 2, 275);
    expect(after.find((m) => m.character_name === member!.character_name)!.status).to.not.equal(member!.status);
    await expectViewAt(euGuild.id, member!, 2, 275);
    await expectRoadmapAt(euGuild.id, 2, ['2026-11-24', '2026-12-02', '2026-12-09', '2026-12-16']);
  });

  it('caps a cached character view at the next reset: seconds before it the body lives until the reset, after it the usual lifetime', async () => {
    const member = findGuild(stack.sim.world, usGuild.id)!.members[1]!;
    const path = { character_name: member.characterName, realm: usGuild.realm } as Member;
    const { redis, keys } = stack.api!.deps;
    // The view sits in the guild's member hash; its entry starts with `<expiresAt ms> <etag>` on a line of its own.
    const key = keys.guildMemberLookups(usGuild.id);
    const field = memberLookupField(usGuild.realm, nameKey(member.characterName));
    const stored = async () => ({ expiresAt: Number(((await redis.hget(key, field)) as string).split(' ')[0]) });

    clock.set('2026-12-15T14:50:00Z');
    await redis.hdel(key, field);
    expect((await view(usGuild.id, path)).body.current_week).to.equal(2);
    expect((await stored()).expiresAt).to.equal(Date.parse('2026-12-15T15:00:00Z'));
    expect(await redis.ttl(key)).to.be.within(1, 600);

    clock.set('2026-12-15T15:00:00Z');
    expect((await view(usGuild.id, path)).body.current_week).to.equal(3);
    expect((await stored()).expiresAt).to.equal(Date.parse('2026-12-15T15:15:00Z'));
    expect(await redis.ttl(key)).to.be.within(1, 600);
  });
});
