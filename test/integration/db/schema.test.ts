import { expect } from 'chai';
import { migrateUp, migratorOf } from '../../../src/db/migrate.js';
import { openOrm, type MikroORM } from '../../../src/db/orm.js';
import { query } from '../../../src/db/sql.js';
import type { Column, Table } from '../../../src/db/table.js';
import { ALL_TABLES } from '../../../src/db/tables/index.js';
import { createDatabase, dropDatabase, testDatabaseUrl, testRun } from '../../helpers/test-env.js';

interface DbColumn {
  table_name: string;
  column_name: string;
  data_type: string;
  is_nullable: 'YES' | 'NO';
  has_default: boolean;
}

const describeColumn = (table: string, name: string, c: Pick<Column, 'type' | 'isNullable' | 'hasDefault'>) =>
  `${table}.${name} ${c.type}${c.isNullable ? ' null' : ' not null'}${c.hasDefault ? ' default' : ''}`;

/** Every column of the app's tables as the database has it, one line each, sorted. */
async function migratedColumns(orm: MikroORM): Promise<string[]> {
  const rows = await query<DbColumn>(
    orm,
    `select table_name, column_name, data_type, is_nullable,
            (column_default is not null or is_identity = 'YES') as has_default
       from information_schema.columns
      where table_schema = 'public' and table_name <> 'mikro_orm_migrations'`,
  );
  return rows
    .map((r) => describeColumn(r.table_name, r.column_name, { type: r.data_type as Column['type'], isNullable: r.is_nullable === 'YES', hasDefault: r.has_default }))
    .sort();
}

async function migratedIndexes(orm: MikroORM): Promise<string[]> {
  const rows = await query<{ indexdef: string }>(orm, "select indexdef from pg_indexes where schemaname = 'public' order by indexdef");
  return rows.map((r) => r.indexdef);
}

/** Every column as the table modules declare it, in the same form. */
function declaredColumns(tables: ReadonlyArray<Table<Record<string, Column>>> = ALL_TABLES): string[] {
  return tables.flatMap((t) => Object.entries(t.columns).map(([name, c]) => describeColumn(t.name, name, c))).sort();
}

describe('typed table modules against the migrated database', () => {
  let orm: MikroORM;
  before(async () => {
    orm = await openOrm({ databaseUrl: testDatabaseUrl(), poolMax: 2 });
  });
  after(async () => {
    await orm.close(true);
  });

  it('declares every table and column the migrations create, with its type, nullability and default', async () => {
    expect(declaredColumns()).to.deep.equal(await migratedColumns(orm));
  });

  it('declares each table once', () => {
    const names = ALL_TABLES.map((t) => t.name);
    expect(new Set(names).size).to.equal(names.length);
  });
});

describe('migrations on a scratch database', function () {
  this.timeout(120_000);
  const name = `${testRun.databaseName}_schema`;
  let orm: MikroORM;
  before(async () => {
    orm = await openOrm({ databaseUrl: await createDatabase(name), poolMax: 2 });
  });
  after(async () => {
    await orm.close(true);
    await dropDatabase(name);
  });

  it('go up, all the way down and up again, ending with the schema the modules declare', async () => {
    const applied = await migrateUp(orm);
    expect(applied.length).to.be.greaterThan(0);
    expect(await migratedColumns(orm)).to.deep.equal(declaredColumns());

    const reverted = await (await migratorOf(orm)).down({ to: 0 });
    expect(reverted.map((m) => m.name)).to.deep.equal([...applied].reverse());
    expect(await migratedColumns(orm)).to.deep.equal([]);

    expect(await migrateUp(orm)).to.deep.equal(applied);
    expect(await migratedColumns(orm)).to.deep.equal(declaredColumns());
  });

  it('step down one migration at a time, each step undoing something, and back up', async () => {
    const migrator = await migratorOf(orm);
    const schema = async () => [...(await migratedColumns(orm)), ...(await migratedIndexes(orm))];
    let before = await schema();
    for (let left = (await migrator.getExecutedMigrations()).length; left > 0; left--) {
      await migrator.down();
      const after = await schema();
      expect(after).to.not.deep.equal(before);
      before = after;
    }
    await migrateUp(orm);
    expect(await migratedColumns(orm)).to.deep.equal(declaredColumns());
  });

  it('notices a column a migration changed that its module does not declare', async () => {
    await query(orm, 'alter table guilds add column motto text null');
    await query(orm, 'alter table guilds alter column last_error set not null');
    try {
      const found = await migratedColumns(orm);
      const declared = declaredColumns();
      expect(found.filter((c) => !declared.includes(c))).to.deep.equal(['guilds.last_error text not null', 'guilds.motto text null']);
      expect(declared.filter((c) => !found.includes(c))).to.deep.equal(['guilds.last_error text null']);
    } finally {
      await query(orm, 'alter table guilds drop column motto');
      await query(orm, 'alter table guilds alter column last_error drop not null');
    }
  });
});
