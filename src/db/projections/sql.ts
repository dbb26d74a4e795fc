import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * Runs one statement on the entity manager's connection, inside its transaction when it has one
 * (`em.transactional` hands the callback an em whose context is the open transaction).
 * Bulk inputs travel as one JSON parameter read with jsonb_to_recordset: knex would expand an array
 * parameter into a list of placeholders, and a single parameter keeps big batches to one round trip.
 */
export function query<T>(em: EntityManager, sql: string, params: unknown[] = []): Promise<T[]> {
  return em.getConnection().execute<T[]>(sql, params, 'all', em.getTransactionContext());
}

/** pg returns bigint columns as strings; our ids stay far below 2^53. */
export const toId = (value: string | number): number => Number(value);

/**
 * The SET list and WHERE clause of an `on conflict do update` that leaves a row alone when nothing changes:
 * a re-run of the same job then rewrites nothing, and `updated_at` only moves on real changes.
 */
export function updateIfChanged(alias: string, assignments: ReadonlyArray<readonly [column: string, value: string]>): string {
  const set = assignments.map(([column, value]) => `${column} = ${value}`).join(', ');
  const current = assignments.map(([column]) => `${alias}.${column}`).join(', ');
  const next = assignments.map(([, value]) => value).join(', ');
  return `set ${set}, updated_at = now() where (${current}) is distinct from (${next})`;
}

/**
 * The assignments of an update that must always write some columns (fetched_at moves on every fetch) but
 * should move `updated_at` only when one of the tracked columns really changes.
 */
export function assignStampingChanges(
  alias: string,
  tracked: ReadonlyArray<readonly [column: string, value: string]>,
  always: readonly string[] = [],
): string {
  const set = tracked.map(([column, value]) => `${column} = ${value}`);
  const current = tracked.map(([column]) => `${alias}.${column}`).join(', ');
  const next = tracked.map(([, value]) => value).join(', ');
  const stamp = `updated_at = case when (${current}) is distinct from (${next}) then now() else ${alias}.updated_at end`;
  return [...set, ...always, stamp].join(', ');
}
