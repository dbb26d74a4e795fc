import type { EntityManager } from '@mikro-orm/postgresql';
import { assignStampingChanges, query } from './sql.js';

/** Where WarcraftLogs was asked about a guild: the natural key of its comparison row. */
export interface ComparisonKey {
  region: string;
  realm: string;
  guildNameKey: string;
  guildName: string;
}

export interface ComparisonSnapshot {
  zone: { id: number; name: string };
  progress: { bossesKilled: number; bossesTotal: number; difficulty: string };
  ranks: { world: number | null; region: number | null; server: number | null };
  speed: { world: number | null; region: number | null; server: number | null };
}

const KEY_COLUMNS = 'region, realm_slug, guild_name_key, guild_name';

export async function saveComparison(em: EntityManager, key: ComparisonKey, ranking: ComparisonSnapshot, at: Date): Promise<void> {
  const tracked = [
    'guild_name', 'zone_id', 'zone_name', 'bosses_killed', 'bosses_total', 'difficulty', 'world_rank', 'region_rank',
    'server_rank', 'speed', 'fetch_status',
  ].map((c) => [c, `excluded.${c}`] as const);
  await query(
    em,
    `insert into guild_comparisons as gc (${KEY_COLUMNS}, zone_id, zone_name, bosses_killed, bosses_total, difficulty,
       world_rank, region_rank, server_rank, speed, fetch_status, fetched_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, 'ok', ?)
     on conflict (region, realm_slug, guild_name_key) do update set
       ${assignStampingChanges('gc', tracked, ['fetched_at = excluded.fetched_at', 'last_error = null', 'last_error_at = null'])}`,
    [
      key.region, key.realm, key.guildNameKey, key.guildName, ranking.zone.id, ranking.zone.name, ranking.progress.bossesKilled,
      ranking.progress.bossesTotal, ranking.progress.difficulty, ranking.ranks.world, ranking.ranks.region, ranking.ranks.server,
      JSON.stringify(ranking.speed), at,
    ],
  );
}

/** WarcraftLogs does not know the guild; earlier rankings stay, the status tells readers to answer 404. */
export async function markComparisonNotFound(em: EntityManager, key: ComparisonKey, at: Date): Promise<void> {
  await query(
    em,
    `insert into guild_comparisons as gc (${KEY_COLUMNS}, fetch_status, fetched_at) values (?, ?, ?, ?, 'not_found', ?)
     on conflict (region, realm_slug, guild_name_key) do update set
       ${assignStampingChanges('gc', [['fetch_status', "'not_found'"]], ['fetched_at = excluded.fetched_at', 'last_error = null', 'last_error_at = null'])}`,
    [key.region, key.realm, key.guildNameKey, key.guildName, at],
  );
}

/** Keeps the last good ranking; only a guild with none is marked 'error'. */
export async function recordComparisonError(em: EntityManager, key: ComparisonKey, reason: string, at: Date): Promise<void> {
  await query(
    em,
    `insert into guild_comparisons as gc (${KEY_COLUMNS}, fetch_status, last_error, last_error_at) values (?, ?, ?, ?, 'error', ?, ?)
     on conflict (region, realm_slug, guild_name_key) do update set
       last_error = excluded.last_error, last_error_at = excluded.last_error_at,
       fetch_status = case when gc.fetch_status in ('ok', 'not_found') then gc.fetch_status else 'error' end`,
    [key.region, key.realm, key.guildNameKey, key.guildName, reason.slice(0, 1000), at],
  );
}

/**
 * Drops not-found rows that never held a ranking once their window has passed: past it they answer nothing a
 * miss would not, and names that do not exist would otherwise pile up without bound.
 */
export async function pruneNotFoundComparisons(em: EntityManager, notFoundBefore: Date): Promise<number> {
  const rows = await query<{ id: string }>(
    em,
    `delete from guild_comparisons where fetch_status = 'not_found' and zone_id is null and fetched_at < ? returning id`,
    [notFoundBefore],
  );
  return rows.length;
}
