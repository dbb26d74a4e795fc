import { expect } from 'chai';
import fc from 'fast-check';
import { openOrm, type MikroORM } from '../../../src/db/orm.js';
import { query } from '../../../src/db/sql.js';
import { countGuildMembers, findGuildMembers } from '../../../src/db/tables/guild-memberships-overview.js';
import { projectWeek } from '../../../src/domain/forecast.js';
import { progressFor } from '../../../src/domain/progress.js';
import { testDatabaseUrl, uniqueId } from '../../helpers/test-env.js';

/**
 * The overview derives gap and status in SQL so it can filter and sort by them in one query; the character
 * views use the domain's progressFor. Both must always agree.
 */
describe('overview gap and status in SQL', () => {
  let orm: MikroORM;
  before(async () => {
    orm = await openOrm({ databaseUrl: testDatabaseUrl(), poolMax: 2 });
  });
  after(async () => {
    await orm.close(true);
  });

  async function guildWith(itemLevels: Array<number | null>, gains: Array<number | null> = []): Promise<number> {
    const guildId = uniqueId();
    await query(orm, `insert into guilds (id, name, realm_slug, region) values (?, 'Rule Check', 'area-52', 'us')`, [guildId]);
    for (const [i, itemLevel] of itemLevels.entries()) {
      const [character] = await query<{ id: number }>(
        orm,
        `insert into characters (region, realm_slug, name_key, name) values ('us', 'area-52', ?, ?) returning id`,
        [`rule${guildId}n${i}`, `Rule${guildId}n${i}`],
      );
      await query(
        orm,
        `insert into guild_memberships (guild_id, character_id, character_name, realm_slug, item_level, rank_id, weekly_gain)
         values (?, ?, ?, 'area-52', ?, 3, ?)`,
        [guildId, character!.id, `Rule${guildId}n${i}`, itemLevel, gains[i] ?? null],
      );
    }
    return guildId;
  }

  it('gives every member the gap and status progressFor gives', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.option(fc.integer({ min: 1000, max: 3200 }).map((n) => n / 10), { nil: null }), { minLength: 1, maxLength: 12 }),
        // Targets with a decimal too, so item levels land exactly on, and a hair either side of, the rounding edge.
        fc.oneof(fc.integer({ min: 100, max: 320 }), fc.integer({ min: 1000, max: 3200 }).map((n) => n / 10)),
        async (itemLevels, target) => {
          const guildId = await guildWith(itemLevels);
          const members = await findGuildMembers(orm, { guildId, targetIlvl: target, sort: 'ilvl', order: 'desc', limit: 1000, offset: 0 });
          expect(members).to.have.length(itemLevels.length);
          for (const m of members) {
            const expected = progressFor(m.itemLevel, target);
            expect({ gap: m.gap, status: m.status }).to.deep.equal({ gap: expected.gap, status: expected.status });
          }
          const counts = await countGuildMembers(orm, { guildId, targetIlvl: target });
          const statuses = itemLevels.map((l) => progressFor(l, target).status);
          expect(counts.onTrack).to.equal(statuses.filter((s) => s === 'ahead').length);
          expect(counts.behind).to.equal(statuses.filter((s) => s === 'behind').length);
          expect(counts.unknown).to.equal(statuses.filter((s) => s === 'unknown').length);
          // The status filter narrows by an item-level range before applying the rule: it must keep exactly these.
          for (const status of ['ahead', 'behind', 'unknown'] as const) {
            const filtered = await findGuildMembers(orm, { guildId, targetIlvl: target, status, sort: 'gap', order: 'asc', limit: 1000, offset: 0 });
            expect(filtered.map((m) => m.status), status).to.deep.equal(statuses.filter((s) => s === status));
            const gaps = members.filter((m) => m.status === status).map((m) => m.gap);
            expect(filtered.map((m) => m.gap), status).to.deep.equal(gaps.sort((a, b) => (a ?? 0) - (b ?? 0)));
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('gives every member the projected week and at-risk flag projectWeek gives, and filters and sorts on them', async () => {
    const member = fc.tuple(
      fc.option(fc.integer({ min: 2000, max: 2800 }).map((n) => n / 10), { nil: null }),
      fc.option(fc.integer({ min: -20, max: 60 }).map((n) => n / 10), { nil: null }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(member, { minLength: 1, maxLength: 10 }),
        fc.integer({ min: -2, max: 20 }),
        fc.array(fc.oneof(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 60 }).map((n) => n / 10)), { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 2200, max: 2700 }).map((n) => n / 10),
        async (rows, currentWeek, steps, first) => {
          let target = first;
          const weeks = steps.map((step, i) => ({ week: currentWeek + i, targetIlvl: (target = i === 0 ? target : Math.round((target + step) * 10) / 10) }));
          const horizon = { currentWeek, weeks };
          const guildId = await guildWith(rows.map(([l]) => l), rows.map(([, g]) => g));
          const q = { guildId, targetIlvl: first, horizon, limit: 1000, offset: 0 };
          const members = await findGuildMembers(orm, { ...q, sort: 'name', order: 'asc' });
          const expected = new Map(rows.map(([l, g], i) => {
            const projected = projectWeek(l, g, currentWeek, weeks).projectedWeek;
            return [`Rule${guildId}n${i}`, { projected, atRisk: progressFor(l, first).status === 'behind' && projected === null }];
          }));
          for (const m of members) {
            expect({ projected: m.projectedWeek, atRisk: m.atRisk }, m.characterName).to.deep.equal(expected.get(m.characterName));
          }
          const atRisk = await findGuildMembers(orm, { ...q, atRisk: true, sort: 'projected_week', order: 'asc' });
          expect(atRisk.map((m) => m.characterName).sort()).to.deep.equal([...expected].filter(([, e]) => e.atRisk).map(([n]) => n).sort());
          expect((await countGuildMembers(orm, { guildId, targetIlvl: first, horizon })).atRisk).to.equal(atRisk.length);
          const soonest = await findGuildMembers(orm, { ...q, sort: 'projected_week', order: 'asc' });
          const order = soonest.map((m) => m.projectedWeek ?? Number.POSITIVE_INFINITY);
          expect(order).to.deep.equal([...order].sort((a, b) => a - b));
        },
      ),
      { numRuns: 25 },
    );
  });

  it('agrees on the edges: exactly on target and a hair below it', async () => {
    const guildId = await guildWith([265, 264.9, 265.1, null]);
    const members = await findGuildMembers(orm, { guildId, targetIlvl: 265, sort: 'ilvl', order: 'desc', limit: 10, offset: 0 });
    expect(members.map((m) => [m.itemLevel, m.gap, m.status])).to.deep.equal([
      [265.1, 0.1, 'ahead'],
      [265, 0, 'ahead'],
      [264.9, -0.1, 'behind'],
      [null, null, 'unknown'],
    ]);
    const behind = await findGuildMembers(orm, { guildId, targetIlvl: 265, status: 'behind', sort: 'ilvl', order: 'desc', limit: 10, offset: 0 });
    expect(behind.map((m) => m.itemLevel)).to.deep.equal([264.9]);
  });
});
