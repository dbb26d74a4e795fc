import { assignStampingChanges, query, toIso, type Db } from '../sql.js';
import { col, defineTable, type Row } from '../table.js';

/** A guild of the realm as WarcraftLogs ranked it at the comparison's refresh. */
export interface RealmGuildRecord {
  guildName: string;
  realmSlug: string;
  region: string;
  ranks: { world: number | null; region: number | null; server: number | null };
}

/** A guild's WarcraftLogs ranking, keyed by where WarcraftLogs finds it. */
export const guildComparisonsTable = defineTable('guild_comparisons', {
  id: col.bigint().defaulted(),
  region: col.text(),
  realm_slug: col.text(),
  guild_name_key: col.text(),
  guild_name: col.text(),
  zone_id: col.integer().nullable(),
  zone_name: col.text().nullable(),
  bosses_killed: col.integer().nullable(),
  bosses_total: col.integer().nullable(),
  difficulty: col.text().nullable(),
  world_rank: col.integer().nullable(),
  region_rank: col.integer().nullable(),
  server_rank: col.integer().nullable(),
  speed: col.jsonb<Record<string, unknown>>().nullable(),
  average_ilvl: col.double().nullable(),
  logs_count: col.integer().nullable(),
  realm_guilds: col.jsonb<RealmGuildRecord[]>().defaulted(),
  fetch_status: col.text<'pending' | 'ok' | 'not_found' | 'error'>().defaulted(),
  fetched_at: col.timestamptz().nullable(),
  last_error: col.text().nullable(),
  last_error_at: col.timestamptz().nullable(),
  updated_at: col.timestamptz().defaulted(),
});

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
  averageIlvl: number | null;
  logsCount: number;
  realmGuilds: RealmGuildRecord[];
}

const KEY_COLUMNS = 'region, realm_slug, guild_name_key, guild_name';

export async function saveComparison(db: Db, key: ComparisonKey, ranking: ComparisonSnapshot, at: Date): Promise<void> {
  const tracked = [
    'guild_name', 'zone_id', 'zone_name', 'bosses_killed', 'bosses_total', 'difficulty', 'world_rank', 'region_rank',
    'server_rank', 'speed', 'average_ilvl', 'logs_count', 'realm_guilds', 'fetch_status',
  ].map((c) => [c, `excluded.${c}`] as const);
  await query(
    db,
    `insert into guild_comparisons as gc (${KEY_COLUMNS}, zone_id, zone_name, bosses_killed, bosses_total, difficulty,
       world_rank, region_rank, server_rank, speed, average_ilvl, logs_count, realm_guilds, fetch_status, fetched_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?::jsonb, 'ok', ?)
     on conflict (region, realm_slug, guild_name_key) do update set
       ${assignStampingChanges('gc', tracked, ['fetched_at = excluded.fetched_at', 'last_error = null', 'last_error_at = null'])}`,
    [
      key.region, key.realm, key.guildNameKey, key.guildName, ranking.zone.id, ranking.zone.name, ranking.progress.bossesKilled,
      ranking.progress.bossesTotal, ranking.progress.difficulty, ranking.ranks.world, ranking.ranks.region, ranking.ranks.server,
      JSON.stringify(ranking.speed), ranking.averageIlvl, ranking.logsCount, JSON.stringify(ranking.realmGuilds), at,
    ],
  );
}

/** WarcraftLogs does not know the guild; earlier rankings stay, the status tells readers to answer 404. */
export async function markComparisonNotFound(db: Db, key: ComparisonKey, at: Date): Promise<void> {
  await query(
    db,
    `insert into guild_comparisons as gc (${KEY_COLUMNS}, fetch_status, fetched_at) values (?, ?, ?, ?, 'not_found', ?)
     on conflict (region, realm_slug, guild_name_key) do update set
       ${assignStampingChanges('gc', [['fetch_status', "'not_found'"]], ['fetched_at = excluded.fetched_at', 'last_error = null', 'last_error_at = null'])}`,
    [key.region, key.realm, key.guildNameKey, key.guildName, at],
  );
}

/** Keeps the last good ranking; only a guild with none is marked 'error'. */
export async function recordComparisonError(db: Db, key: ComparisonKey, reason: string, at: Date): Promise<void> {
  await query(
    db,
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
export async function pruneNotFoundComparisons(db: Db, notFoundBefore: Date): Promise<number> {
  const rows = await query<Pick<Row<typeof guildComparisonsTable>, 'id'>>(
    db,
    `delete from guild_comparisons where fetch_status = 'not_found' and zone_id is null and fetched_at < ? returning id`,
    [notFoundBefore],
  );
  return rows.length;
}

export interface ComparisonRecord {
  guildName: string;
  realm: string;
  region: string;
  zoneId: number | null;
  zoneName: string | null;
  bossesKilled: number | null;
  bossesTotal: number | null;
  difficulty: string | null;
  worldRank: number | null;
  regionRank: number | null;
  serverRank: number | null;
  speed: Record<string, unknown> | null;
  averageIlvl: number | null;
  logsCount: number | null;
  realmGuilds: RealmGuildRecord[];
  /** What other stored comparisons of the same realm know of their guilds, by `realmGuildKey`. */
  realmGuildDetails: Record<string, RealmGuildDetails>;
  fetchStatus: string;
  fetchedAt: string | null;
  lastErrorAt: string | null;
}

/** A realm guild's own ranking, when someone asked about that guild too. */
export interface RealmGuildDetails {
  averageIlvl: number;
  logsCount: number | null;
  bossesKilled: number | null;
  bossesTotal: number | null;
  difficulty: string | null;
}

/** How `realmGuildDetails` is keyed: the realm slug and the guild's name key. */
export const realmGuildKey = (realmSlug: string, guildNameKey: string): string => `${realmSlug}/${guildNameKey}`;

type ComparisonRow = Omit<Row<typeof guildComparisonsTable>, 'id' | 'guild_name_key' | 'last_error' | 'updated_at'> & {
  realm_guild_details: Record<string, RealmGuildDetails> | null;
};

/** A guild's WarcraftLogs ranking by its natural key (guild_comparisons_natural_key). */
export async function findComparison(db: Db, region: string, realm: string, guildNameKey: string): Promise<ComparisonRecord | undefined> {
  const rows = await query<ComparisonRow>(
    db,
    `select guild_name, realm_slug, region, zone_id, zone_name, bosses_killed, bosses_total, difficulty,
            world_rank, region_rank, server_rank, speed, average_ilvl, logs_count, realm_guilds, fetch_status, fetched_at, last_error_at,
            (select jsonb_object_agg(o.realm_slug || '/' || o.guild_name_key, jsonb_build_object(
                      'averageIlvl', o.average_ilvl, 'logsCount', o.logs_count, 'bossesKilled', o.bosses_killed,
                      'bossesTotal', o.bosses_total, 'difficulty', o.difficulty))
               from guild_comparisons o
              where o.region = c.region and o.realm_slug = c.realm_slug and o.id <> c.id and o.average_ilvl is not null
            ) as realm_guild_details
       from guild_comparisons c where region = ? and realm_slug = ? and guild_name_key = ?`,
    [region, realm, guildNameKey],
  );
  const r = rows[0];
  if (!r) return undefined;
  return {
    guildName: r.guild_name,
    realm: r.realm_slug,
    region: r.region,
    zoneId: r.zone_id,
    zoneName: r.zone_name,
    bossesKilled: r.bosses_killed,
    bossesTotal: r.bosses_total,
    difficulty: r.difficulty,
    worldRank: r.world_rank,
    regionRank: r.region_rank,
    serverRank: r.server_rank,
    speed: r.speed,
    averageIlvl: r.average_ilvl,
    logsCount: r.logs_count,
    realmGuilds: r.realm_guilds ?? [],
    realmGuildDetails: r.realm_guild_details ?? {},
    fetchStatus: r.fetch_status,
    fetchedAt: toIso(r.fetched_at),
    lastErrorAt: toIso(r.last_error_at),
  };
}
