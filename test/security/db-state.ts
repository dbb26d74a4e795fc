import { sql } from '../helpers/sql.js';
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
  'guild_plans',
  'team_plans',
  'api_tokens',
  'event_endpoints',
  'event_deliveries',
  'guild_discord_webhooks',
  'reset_digests',
] as const;

export type Table = (typeof TABLES)[number];
export type DbFingerprint = Record<Table, { rows: number; digest: string }>;

/** Row count and a digest of every row of every table, to prove that hostile traffic changed nothing. */
export async function fingerprint(databaseUrl = testDatabaseUrl()): Promise<DbFingerprint> {
  const out = {} as DbFingerprint;
  for (const table of TABLES) {
    const [row] = await sql<{ rows: string; digest: string | null }>(
      `select count(*)::text as rows, md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as digest from ${table} t`,
      [],
      databaseUrl,
    );
    out[table] = { rows: Number(row?.rows ?? 0), digest: row?.digest ?? '' };
  }
  return out;
}
