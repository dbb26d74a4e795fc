import { MikroORM, type Options } from '@mikro-orm/postgresql';
import type { Logger } from '../logger.js';

export interface OrmOptions {
  databaseUrl: string;
  logger?: Logger;
  poolMax?: number;
  /**
   * Client-side limit on each query, in ms: a database that stops answering (a network black hole, a frozen
   * server) fails the query here instead of holding it, and its connection, for as long as the freeze lasts.
   * The server's statement_timeout cannot do this, since it needs the server to answer. Off for migrations.
   */
  queryTimeoutMs?: number;
}

/** Options shared by the api, the worker and the CLI. Waits for a connection are short so a dead database fails fast. */
export function ormOptions({ databaseUrl, poolMax = 10, logger, queryTimeoutMs }: OrmOptions): Options {
  return {
    clientUrl: databaseUrl,
    // No entities: every table has a typed SQL module (src/db/tables); the ORM is the pool and the migrator.
    // The migrator and the migrations are loaded only by what migrates (`migratorOf` in ./migrate.ts): the api
    // and the worker never run one, and they would cost every process their modules' memory.
    entities: [],
    discovery: { warnWhenNoEntities: false },
    allowGlobalContext: false,
    ensureDatabase: false,
    debug: false,
    pool: { min: 0, max: poolMax, acquireTimeoutMillis: 3000, createTimeoutMillis: 2000, idleTimeoutMillis: 30000 },
    driverOptions: {
      connection: {
        connectionTimeoutMillis: 2000,
        statement_timeout: 10000,
        ...(queryTimeoutMs ? { query_timeout: queryTimeoutMs } : {}),
      },
      // knex reports dropped connections itself; route that through our JSON logger instead of the console.
      ...(logger ? { log: knexLog(logger) } : {}),
    },
    migrations: {
      tableName: 'mikro_orm_migrations',
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      silent: true,
    },
  };
}

function knexLog(logger: Logger) {
  const db = logger.child({ component: 'database' });
  return {
    warn: (message: unknown) => db.warn({ detail: String(message) }, 'database warning'),
    error: (message: unknown) => db.error({ detail: String(message) }, 'database error'),
    deprecate: (message: unknown) => db.debug({ detail: String(message) }, 'database deprecation'),
    debug: (message: unknown) => db.debug({ detail: String(message) }, 'database debug'),
  };
}

export async function openOrm(options: OrmOptions): Promise<MikroORM> {
  // connect: false: a process starts even while Postgres is down, and the pool connects when it returns.
  return MikroORM.init({ ...ormOptions(options), connect: false });
}

export type { MikroORM };
