import pg from 'pg';
import { testDatabaseUrl } from './test-env.js';

/**
 * The one way tests read (and, to set a scene up, write) PostgreSQL directly: a small pool per database, the
 * run's shared one unless a test names its own. Pools end after the run; one whose database a test drops
 * (`drop database … with (force)`) just sees its idle connections go, which is not an error here.
 */
const pools = new Map<string, pg.Pool>();

export async function sql<T extends pg.QueryResultRow = Record<string, unknown>>(text: string, params: unknown[] = [], databaseUrl = testDatabaseUrl()): Promise<T[]> {
  let pool = pools.get(databaseUrl);
  if (!pool) {
    pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
    pool.on('error', () => undefined);
    pools.set(databaseUrl, pool);
  }
  return (await pool.query<T>(text, params)).rows;
}

/** Removes everything a guild's sync wrote (the realm is the test's own), for a second run from scratch. */
export async function forgetGuild(guildId: number, realm: string, region = 'us'): Promise<void> {
  await sql('delete from guilds where id = $1', [guildId]);
  await sql('delete from characters where region = $1 and realm_slug = $2', [region, realm]);
}

after(async () => {
  const ending = [...pools.values()].map((pool) => pool.end().catch(() => undefined));
  pools.clear();
  await Promise.all(ending);
});
