import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * Where a statement runs: an EntityManager (inside its transaction when it has one: `em.transactional` hands
 * its callback an em whose context is the open transaction), or the ORM itself (the shared pool, no
 * transaction; raw SQL uses no identity map, so readers need no fork).
 */
export type Db = EntityManager | { readonly em: EntityManager };

/**
 * Runs one statement and returns its rows. `?` placeholders; an array parameter expands into a list
 * (`in (?)`). Bulk inputs travel as one JSON parameter read with jsonb_to_recordset instead, which keeps a big
 * batch to one placeholder and one round trip.
 */
export function query<T>(db: Db, sql: string, params: readonly unknown[] = []): Promise<T[]> {
  const em = 'getConnection' in db ? db : db.em;
  return em.getConnection().execute<T[]>(sql, [...params], 'all', em.getTransactionContext());
}

/**
 * Runs one statement with its parameters bound by PostgreSQL (`$1, $2…` sent apart from the text, as the pg
 * driver does), where `query` has MikroORM inline them into the SQL text on the client. `?` placeholders, one
 * value each (no array expansion): every parameter needs a cast or a typed context, since PostgreSQL infers its
 * type. Used where a statement runs once per job and its cost matters.
 */
export async function queryBound<T>(db: Db, sql: string, params: readonly unknown[] = []): Promise<T[]> {
  const em = 'getConnection' in db ? db : db.em;
  const connection = em.getConnection();
  await connection.ensureConnection();
  const statement = connection.getKnex().raw(sql, params.map((p) => (p === undefined ? null : p)) as never[]);
  const transaction = em.getTransactionContext();
  if (transaction) statement.transacting(transaction);
  const result = (await statement) as { rows: T[] };
  return result.rows;
}

/**
 * Runs `work` in one transaction (a savepoint when `em` is already in one), on a fork that carries it: every
 * statement given that fork runs inside it. Not `em.transactional`: MikroORM runs its callback inside an
 * AsyncLocalStorage (and flushes its unit of work inside another), and from the first one a Node 20 process
 * tracks every promise it makes through async hooks, for good: ~25 % more CPU on promise-heavy code like the
 * worker's jobs, all of them, after the first guild sync (docs/benchmarks.md). Our statements take their
 * transaction from the em they are given and there are no entities to flush, so neither is needed.
 */
export async function inTransaction<T>(em: EntityManager, work: (tx: EntityManager) => Promise<T>): Promise<T> {
  const connection = em.getConnection();
  await connection.ensureConnection();
  const trx = await connection.begin({ ctx: em.getTransactionContext() });
  const tx = em.fork();
  tx.setTransactionContext(trx);
  try {
    const result = await work(tx);
    await connection.commit(trx);
    return result;
  } catch (error) {
    await connection.rollback(trx);
    throw error;
  }
}

/** pg returns bigint columns as strings; our ids and bnet ids stay far below 2^53. */
export const toId = (value: string | number): number => Number(value);

export const toNumber = (v: string | number | null | undefined): number | null => (v === null || v === undefined ? null : Number(v));

export const toIso = (v: Date | string | null | undefined): string | null =>
  v === null || v === undefined ? null : (v instanceof Date ? v : new Date(v)).toISOString();

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

/**
 * Rows are written (and so locked) in a stable order, so two jobs that share rows, or a sync and a webhook,
 * wait for each other instead of deadlocking.
 */
export function inLockOrder<T>(rows: readonly T[], key: (row: T) => string): T[] {
  return [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
