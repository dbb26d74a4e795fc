import { expect } from 'chai';
import { migrateUp } from '../../../src/db/migrate.js';
import { openOrm, type MikroORM } from '../../../src/db/orm.js';
import { query } from '../../../src/db/sql.js';
import {
  overviewCountsStatement, overviewPageStatement, type MemberSortKey, type OverviewQuery, type Statement,
} from '../../../src/db/tables/guild-memberships-overview.js';
import { createDatabase, dropDatabase, testRun } from '../../helpers/test-env.js';

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Index Cond'?: string;
  Filter?: string;
  Plans?: PlanNode[];
}

const nodesOf = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodesOf)];

/** One way the plan reads guild_memberships: the index (none for a sequential scan), its condition and the filter after it. */
interface Read {
  index?: string;
  cond?: string;
  filter?: string;
}

interface Plan {
  nodeTypes: string[];
  reads: Read[];
}

async function explain(orm: MikroORM, statement: Statement): Promise<Plan> {
  const [row] = await query<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>(orm, `explain (format json) ${statement.sql}`, statement.params);
  const nodes = nodesOf(row!['QUERY PLAN'][0]!.Plan);
  const reads = nodes
    .filter((n) => n['Relation Name'] === 'guild_memberships')
    .flatMap((n): Read[] => {
      if (n['Node Type'] !== 'Bitmap Heap Scan') return [{ index: n['Index Name'], cond: n['Index Cond'], filter: n.Filter }];
      // A bitmap scan names its indexes on the child nodes that build the bitmap.
      return nodesOf(n)
        .filter((c) => c['Node Type'] === 'Bitmap Index Scan')
        .map((c) => ({ index: c['Index Name'], cond: c['Index Cond'], filter: n.Filter }));
    });
  return { nodeTypes: nodes.map((n) => n['Node Type']), reads };
}

const CLASSES = ['Death Knight', 'Demon Hunter', 'Druid', 'Evoker', 'Hunter', 'Mage', 'Monk', 'Paladin', 'Priest', 'Rogue', 'Shaman', 'Warlock', 'Warrior'];
const GUILDS = 12;
const MEMBERS_PER_GUILD = 1500;
const TARGET = 250;
const WEEK_START = new Date('2026-12-08T15:00:00Z');

/**
 * The overview's filters and sorts on a database big enough (18,000 memberships, analyzed) that the planner
 * picks indexes on their merits: each must be served by the index meant for it, never by reading the table.
 */
describe('overview filters and sorts use their indexes (EXPLAIN)', function () {
  this.timeout(180_000);
  const name = `${testRun.databaseName}_explain`;
  let orm: MikroORM;
  const page = (q: Partial<OverviewQuery>): Statement =>
    overviewPageStatement({ guildId: 1, targetIlvl: TARGET, weekStart: WEEK_START, sort: 'ilvl', order: 'desc', limit: 50, offset: 0, ...q });

  before(async () => {
    orm = await openOrm({ databaseUrl: await createDatabase(name), poolMax: 2 });
    await migrateUp(orm);
    await query(orm, `insert into guilds (id, name, realm_slug, region) select g, 'Guild ' || g, 'area-52', 'us' from generate_series(1, ?) g`, [GUILDS]);
    // Deterministic spread: item levels 200–299.9 (one in twenty unknown), thirteen classes, three roles, ten ranks.
    await query(
      orm,
      `insert into characters (region, realm_slug, name_key, name)
       select 'us', 'area-52', 'member' || n, 'Member' || n from generate_series(1, ?) n`,
      [GUILDS * MEMBERS_PER_GUILD],
    );
    await query(
      orm,
      `insert into guild_memberships (guild_id, character_id, character_name, realm_slug, class_name, role, rank_id, item_level)
       select 1 + (c.id - 1) % ?, c.id, c.name, c.realm_slug,
              (?::jsonb) ->> ((c.id * 7) % 13)::int,
              (array['tank', 'healer', 'dps', 'dps', 'dps'])[1 + (c.id * 3) % 5],
              (c.id * 11) % 10,
              case when c.id % 20 = 0 then null else 200 + ((c.id * 37) % 1000) / 10.0 end
       from characters c`,
      [GUILDS, JSON.stringify(CLASSES)],
    );
    // Weekly activity for nine characters in ten, a third of it from last week.
    await query(
      orm,
      `insert into character_activity (character_id, fetched_at, week_start, vault_slots, raid_bosses, mplus_score)
       select c.id, now(), ?::timestamptz - case when c.id % 3 = 0 then interval '7 days' else interval '0 days' end,
              c.id % 7, c.id % 9, 1000 + (c.id * 13) % 2500
       from characters c where c.id % 10 <> 0`,
      [WEEK_START],
    );
    await query(orm, 'analyze guilds, characters, guild_memberships, character_activity');
  });
  after(async () => {
    await orm.close(true);
    await dropDatabase(name);
  });

  const sorts: Array<[MemberSortKey, 'asc' | 'desc', string]> = [
    ['ilvl', 'desc', 'guild_memberships_ilvl_idx'],
    ['ilvl', 'asc', 'guild_memberships_ilvl_asc_idx'],
    ['gap', 'asc', 'guild_memberships_ilvl_asc_idx'],
    ['gap', 'desc', 'guild_memberships_ilvl_idx'],
    ['name', 'asc', 'guild_memberships_name_idx'],
    ['class', 'asc', 'guild_memberships_class_idx'],
    ['rank', 'asc', 'guild_memberships_rank_idx'],
  ];
  for (const [sort, order, index] of sorts) {
    it(`sorts by ${sort} ${order} in the order of ${index}, without sorting the guild`, async () => {
      const plan = await explain(orm, page({ sort, order }));
      expect(plan.reads).to.deep.equal([{ index, cond: '(guild_id = 1)', filter: undefined }]);
      // Ties within the index order may be sorted incrementally; the whole guild never is.
      expect(plan.nodeTypes).to.not.include('Sort');
    });
  }

  it('filters by class through guild_memberships_class_idx, on lower(class_name)', async () => {
    for (const sort of ['ilvl', 'name'] as const) {
      const { reads } = await explain(orm, page({ className: 'Death Knight', sort, order: sort === 'ilvl' ? 'desc' : 'asc' }));
      expect(reads, sort).to.have.length(1);
      expect(reads[0]?.index, sort).to.equal('guild_memberships_class_idx');
      expect(reads[0]?.cond, sort).to.match(/lower\(class_name\) = 'death knight'/);
    }
  });

  it('filters by status through a range on an item-level index', async () => {
    for (const [status, cond] of [
      ['behind', /\(item_level < '250'::double precision\)/],
      ['ahead', /\(item_level >= '249.9'::double precision\)/],
      ['unknown', /\(item_level IS NULL\)/],
    ] as const) {
      const { reads } = await explain(orm, page({ status, sort: 'ilvl', order: 'desc' }));
      expect(reads, status).to.have.length(1);
      expect(reads[0]?.index, status).to.match(/^guild_memberships_ilvl(_asc)?_idx$/);
      expect(reads[0]?.cond, status).to.match(cond);
    }
  });

  it('filters by role on the rows an index of the guild yields (no index of its own)', async () => {
    const { reads } = await explain(orm, page({ role: 'tank', sort: 'ilvl', order: 'desc' }));
    expect(reads).to.have.length(1);
    expect(reads[0]?.index).to.match(/^guild_memberships_\w+_idx$/);
    expect(reads[0]?.cond).to.equal('(guild_id = 1)');
    expect(reads[0]?.filter).to.match(/lower\(role\) = 'tank'/);
  });

  it('sorts by score and vault and filters on vault slots over one guild, read through an index of the guild', async () => {
    for (const q of [{ sort: 'mplus' as const }, { sort: 'vault' as const }, { sort: 'vault' as const, order: 'asc' as const }, { vaultSlotsLt: 2 }]) {
      const { reads } = await explain(orm, page(q));
      expect(reads, JSON.stringify(q)).to.have.length(1);
      expect(reads[0]?.index, JSON.stringify(q)).to.match(/^guild_memberships_\w+_idx$/);
      expect(reads[0]?.cond, JSON.stringify(q)).to.equal('(guild_id = 1)');
    }
  });

  it('joins a page in index order to its members’ activity by primary key, not by reading every character’s', async () => {
    const statement = page({ sort: 'ilvl', order: 'desc' });
    const [row] = await query<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>(orm, `explain (format json) ${statement.sql}`, statement.params);
    const activity = nodesOf(row!['QUERY PLAN'][0]!.Plan).filter((n) => n['Relation Name'] === 'character_activity');
    expect(activity.map((n) => n['Index Name'])).to.deep.equal(['character_activity_pkey']);
  });

  it('counts one guild through an index of the guild, never reading the whole table', async () => {
    const { reads } = await explain(orm, overviewCountsStatement({ guildId: 1, targetIlvl: TARGET, status: 'behind' }));
    expect(reads).to.have.length.greaterThan(0);
    for (const read of reads) expect(read.index).to.match(/^guild_memberships_\w+_idx$/);
  });
});
