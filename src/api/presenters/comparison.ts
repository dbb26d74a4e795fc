import { realmGuildKey, type ComparisonRecord, type RealmGuildDetails, type RealmGuildRecord } from '../../db/tables/guild-comparisons.js';
import { nameKey } from '../../queue/schemas.js';
import type { ComparisonJson } from '../schemas/comparisons.js';
import type { FreshnessFields } from './character.js';

type ComparedGuild = ComparisonJson['compared_guilds'][number];

const DIFFICULTY_LETTERS: Readonly<Record<string, string>> = { Mythic: 'M', Heroic: 'H', Normal: 'N', LFR: 'LFR' };

/** Keys whose value is unknown are left out, not null: hool.gg's panel tests them with `!== undefined`. */
function known<T extends Record<string, unknown>>(fields: T): { [K in keyof T]?: Exclude<T[K], null> } {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== null && v !== undefined)) as { [K in keyof T]?: Exclude<T[K], null> };
}

type Progress = Pick<RealmGuildDetails, 'bossesKilled' | 'bossesTotal' | 'difficulty'>;

/** Progress as raiders say it, e.g. "6/9 M". */
function bestPerformance(p: Progress): string | null {
  return p.bossesKilled !== null && p.bossesTotal !== null && p.difficulty !== null
    ? `${p.bossesKilled}/${p.bossesTotal} ${DIFFICULTY_LETTERS[p.difficulty] ?? p.difficulty}`
    : null;
}

/** A realm guild with its ranks and, when its own ranking is stored too, its item level, progress and logs. */
function comparedGuild(g: RealmGuildRecord, details: RealmGuildDetails | undefined): ComparedGuild {
  return {
    guild_name: g.guildName,
    realm: g.realmSlug,
    region: g.region,
    ...known({
      avg_ilvl: details?.averageIlvl ?? null,
      best_performance: details ? bestPerformance(details) : null,
      world_rank: g.ranks.world,
      region_rank: g.ranks.region,
      realm_rank: g.ranks.server,
      logs_count: details?.logsCount ?? null,
    }),
  };
}

function yourGuild(c: ComparisonRecord): ComparedGuild {
  const progress = bestPerformance(c);
  return {
    guild_name: c.guildName,
    realm: c.realm,
    region: c.region,
    ...known({
      avg_ilvl: c.averageIlvl,
      best_performance: progress,
      world_rank: c.worldRank,
      region_rank: c.regionRank,
      realm_rank: c.serverRank,
      logs_count: c.logsCount,
    }),
  };
}

/**
 * The guild's ranking (our fields) and the realm comparison hool.gg's panel draws: the guild asked about, the
 * realm's other ranked guilds in realm order, its place among them and their count. The realm average is the
 * mean item level of the other guilds whose item level is known (from their own stored rankings), left out
 * when none is; the guild asked about is not in it, so that the panel can set the two side by side.
 */
export function presentComparison(c: ComparisonRecord, fresh: FreshnessFields): ComparisonJson {
  const own = nameKey(c.guildName);
  const others = c.realmGuilds.filter((g) => nameKey(g.guildName) !== own);
  const ownPlace = c.realmGuilds.findIndex((g) => nameKey(g.guildName) === own);
  const isRanked = ownPlace >= 0 || c.serverRank !== null;
  const yourRank = ownPlace >= 0 ? ownPlace + 1 : c.serverRank !== null ? others.filter((g) => (g.ranks.server ?? Infinity) < (c.serverRank as number)).length + 1 : null;
  const compared = others.map((g) => comparedGuild(g, c.realmGuildDetails[realmGuildKey(g.realmSlug, nameKey(g.guildName))]));
  const otherLevels = compared.map((g) => g.avg_ilvl).filter((l): l is number => typeof l === 'number');
  const body: ComparisonJson = {
    guild_name: c.guildName,
    realm: c.realm,
    region: c.region,
    zone: { id: c.zoneId, name: c.zoneName },
    progress: { bosses_killed: c.bossesKilled, bosses_total: c.bossesTotal, difficulty: c.difficulty },
    ranks: { world: c.worldRank, region: c.regionRank, server: c.serverRank },
    speed: c.speed,
    your_guild: yourGuild(c),
    compared_guilds: compared,
    ...known({
      realm_average: otherLevels.length ? Math.round((otherLevels.reduce((a, b) => a + b, 0) / otherLevels.length) * 10) / 10 : null,
      your_rank: yourRank,
    }),
    total_guilds: others.length + (isRanked ? 1 : 0),
    fetched_at: c.fetchedAt,
    stale: fresh.stale,
  };
  if (fresh.notice) body.notice = fresh.notice;
  return body;
}
