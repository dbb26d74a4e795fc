import type { MikroORM } from '@mikro-orm/postgresql';

/** Anything queries run on: the ORM's connection, shared (raw reads use no identity map, so no fork is needed). */
export type Db = Pick<MikroORM, 'em'>;

export function execute<T>(db: Db, sql: string, params: unknown[] = []): Promise<T[]> {
  return db.em.getConnection().execute<T[]>(sql, params);
}

/** pg returns bigint columns as strings; ids and bnet ids fit in a double. */
export const toNumber = (v: string | number | null | undefined): number | null => (v === null || v === undefined ? null : Number(v));

export const toIso = (v: Date | string | null | undefined): string | null =>
  v === null || v === undefined ? null : (v instanceof Date ? v : new Date(v)).toISOString();
