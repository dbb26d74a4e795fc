import type { ComparisonRecord } from '../../db/tables/guild-comparisons.js';
import type { ComparisonJson } from '../schemas/comparisons.js';
import type { FreshnessFields } from './character.js';

export function presentComparison(c: ComparisonRecord, fresh: FreshnessFields): ComparisonJson {
  const body: ComparisonJson = {
    guild_name: c.guildName,
    realm: c.realm,
    region: c.region,
    zone: { id: c.zoneId, name: c.zoneName },
    progress: { bosses_killed: c.bossesKilled, bosses_total: c.bossesTotal, difficulty: c.difficulty },
    ranks: { world: c.worldRank, region: c.regionRank, server: c.serverRank },
    speed: c.speed,
    fetched_at: c.fetchedAt,
    stale: fresh.stale,
  };
  if (fresh.notice) body.notice = fresh.notice;
  return body;
}
