import { execute, toIso, type Db } from './connection.js';

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
  fetchStatus: string;
  fetchedAt: string | null;
  lastErrorAt: string | null;
}

interface Row {
  guild_name: string;
  realm_slug: string;
  region: string;
  zone_id: number | null;
  zone_name: string | null;
  bosses_killed: number | null;
  bosses_total: number | null;
  difficulty: string | null;
  world_rank: number | null;
  region_rank: number | null;
  server_rank: number | null;
  speed: Record<string, unknown> | null;
  fetch_status: string;
  fetched_at: string | null;
  last_error_at: string | null;
}

/** A guild's WarcraftLogs ranking by its natural key (guild_comparisons_natural_key). */
export async function findComparison(db: Db, region: string, realm: string, guildNameKey: string): Promise<ComparisonRecord | undefined> {
  const rows = await execute<Row>(
    db,
    `select guild_name, realm_slug, region, zone_id, zone_name, bosses_killed, bosses_total, difficulty,
            world_rank, region_rank, server_rank, speed, fetch_status, fetched_at, last_error_at
       from guild_comparisons where region = ? and realm_slug = ? and guild_name_key = ?`,
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
    fetchStatus: r.fetch_status,
    fetchedAt: toIso(r.fetched_at),
    lastErrorAt: toIso(r.last_error_at),
  };
}
