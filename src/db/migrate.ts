import type { MikroORM } from '@mikro-orm/postgresql';

/** Applies every pending migration; returns the names applied. */
export async function migrateUp(orm: MikroORM): Promise<string[]> {
  const applied = await orm.getMigrator().up();
  return applied.map((m) => m.name);
}

/** Rolls back the last applied migration only; returns its name (or nothing when none is applied). */
export async function migrateDown(orm: MikroORM): Promise<string[]> {
  const reverted = await orm.getMigrator().down();
  return reverted.map((m) => m.name);
}
