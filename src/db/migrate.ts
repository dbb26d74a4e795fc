import type { Migration, Migrator } from '@mikro-orm/migrations';
import type { MikroORM } from '@mikro-orm/postgresql';
import { MIGRATIONS } from './migrations-list.js';
import { query } from './sql.js';

/**
 * The ORM's migrator with our listed migrations. Only what migrates (the CLI, the dev runner, tests) loads
 * the migrator and the migrations, on first use: `openOrm` leaves them out of the api and the worker.
 */
export async function migratorOf(orm: MikroORM): Promise<Migrator> {
  const options = orm.config.get('migrations');
  if (options.migrationsList !== MIGRATIONS) {
    const { Migrator: MigratorClass } = await import('@mikro-orm/migrations');
    orm.config.set('migrations', { ...options, migrationsList: MIGRATIONS });
    MigratorClass.register(orm);
  }
  return orm.getMigrator<Migrator>();
}

/** Applies every pending migration; returns the names applied. */
export async function migrateUp(orm: MikroORM): Promise<string[]> {
  const applied = await (await migratorOf(orm)).up();
  return applied.map((m) => m.name);
}

/** Rolls back the last applied migration only; returns its name (or nothing when none is applied). */
export async function migrateDown(orm: MikroORM): Promise<string[]> {
  const reverted = await (await migratorOf(orm)).down();
  return reverted.map((m) => m.name);
}

/** A table the last migration's revert would drop, or drop columns of, while it holds rows. */
export interface DataAtRisk {
  table: string;
  rows: number;
}

/**
 * What reverting the last applied migration would destroy: the tables its down() drops, or drops columns of,
 * that hold rows now. Read from the statements down() would run, without running them.
 */
export async function revertWouldDrop(orm: MikroORM): Promise<{ migration: string; atRisk: DataAtRisk[] } | undefined> {
  const executed = await (await migratorOf(orm)).getExecutedMigrations();
  const last = executed.at(-1);
  const entry = last && MIGRATIONS.find((m) => m.name === last.name);
  if (!last || !entry) return undefined;
  const MigrationClass = entry.class as unknown as new (driver: unknown, config: unknown) => Migration;
  const migration = new MigrationClass(orm.em.getDriver(), orm.config);
  await migration.down();
  const tables = new Set<string>();
  for (const statement of migration.getQueries()) {
    const text = String(statement);
    for (const m of text.matchAll(/drop\s+table\s+(?:if\s+exists\s+)?"?(\w+)"?/gi)) tables.add(m[1] as string);
    for (const m of text.matchAll(/alter\s+table\s+(?:if\s+exists\s+)?"?(\w+)"?[^;]*?\bdrop\s+column/gi)) tables.add(m[1] as string);
  }
  const atRisk: DataAtRisk[] = [];
  for (const table of tables) {
    const [exists] = await query<{ present: boolean }>(orm, 'select to_regclass(?) is not null as present', [`public.${table}`]);
    if (!exists?.present) continue;
    // The name comes from our own migration code, never from input.
    const [row] = await query<{ n: string }>(orm, `select count(*) as n from "${table}"`);
    const rows = Number(row?.n ?? 0);
    if (rows > 0) atRisk.push({ table, rows });
  }
  return { migration: last.name, atRisk };
}
