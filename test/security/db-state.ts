import pg from 'pg';
import { testDatabaseUrl } from '../helpers/test-env.js';

/** Every table a request or job can write. */
export const TABLES = [
  'guilds',
  'characters',
  'character_progress',
  'guild_memberships',
  'item_level_history',
  'weekly_targets',
  'guild_messages',
  'guild_comparisons',
  'processed_webhook_events',
] as const;

export type Table = (typeof TABLES)[number];
export type DbFingerprint = Record<Table, { rows: number; digest: string }>;

/** Row count and a digest of every row of every table, to prove that hostile traffic changed nothing. */
export async function fingerprint(databaseUrl = testDatabaseUrl()): Promise<DbFingerprint> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const out = {} as DbFingerprint;
    for (const table of TABLES) {
      const { rows } = await client.query<{ rows: string; digest: string | null }>(
        `select count(*)::text as rows, md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as digest from ${table} t`,
      );
      out[table] = { rows: Number(rows[0]?.rows ?? 0), digest: rows[0]?.digest ?? '' };
    }
    return out;
  } finally {
    await client.end();
  }
}

/** Runs one query against the run's database with a short-lived client. */
export async function query<T extends pg.QueryResultRow>(sql: string, params: unknown[] = [], databaseUrl = testDatabaseUrl()): Promise<T[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}
