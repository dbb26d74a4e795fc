import type { z } from 'zod';
import { WARCRAFTLOGS_REGIONS, type WarcraftLogsRegion } from '../../domain/regions.js';
import type { wclGuildSchema, wclRealmGuildSchema, wclZoneSchema } from './schemas.js';

export type WclRegion = WarcraftLogsRegion;

export interface RankTriple {
  world: number | null;
  region: number | null;
  server: number | null;
}

export interface GuildRanking {
  guildName: string;
  realmSlug: string;
  region: WclRegion;
  zone: { id: number; name: string };
  progress: { bossesKilled: number; bossesTotal: number; difficulty: string };
  ranks: RankTriple;
  speed: RankTriple;
  /** Mean item level of the guild's kills in the zone, one decimal; null without any. */
  averageIlvl: number | null;
  /** How many reports the guild logged in the zone. */
  logsCount: number;
  /** The realm's guilds WarcraftLogs ranks in the zone (the asked guild included), by realm rank. */
  realmGuilds: RealmGuild[];
}

export interface RealmGuild {
  guildName: string;
  realmSlug: string;
  region: string;
  ranks: RankTriple;
}

/** WarcraftLogs difficulty ids. */
const DIFFICULTY_NAMES: Readonly<Record<number, string>> = { 1: 'LFR', 3: 'Normal', 4: 'Heroic', 5: 'Mythic' };

type Positions = z.infer<typeof wclGuildSchema>['zoneRanking']['progress'];
type Fight = { encounterID: number; difficulty?: number | null; kill?: boolean | null; averageItemLevel?: number | null };

export function toGuildRanking(
  guild: z.infer<typeof wclGuildSchema>,
  zone: z.infer<typeof wclZoneSchema>,
  reports: Array<{ fights?: Fight[] | null }>,
  requestedRegion: WclRegion,
  realm: { guilds?: Array<z.infer<typeof wclRealmGuildSchema>>; reportsTotal?: number | null } = {},
): GuildRanking {
  const region = guild.server.region.slug.toLowerCase();
  const fights = reports.flatMap((r) => r.fights ?? []);
  return {
    guildName: guild.name,
    realmSlug: guild.server.slug,
    region: (WARCRAFTLOGS_REGIONS as readonly string[]).includes(region) ? (region as WclRegion) : requestedRegion,
    zone: { id: zone.id, name: zone.name },
    progress: progressOf(zone.encounters.map((e) => e.id), reports.flatMap((r) => r.fights ?? [])),
    ranks: ranksOf(guild.zoneRanking.progress),
    speed: ranksOf(guild.zoneRanking.speed),
    averageIlvl: averageIlvlOf(fights),
    logsCount: realm.reportsTotal ?? reports.length,
    realmGuilds: realmGuildsOf(realm.guilds ?? []),
  };
}

function averageIlvlOf(fights: Fight[]): number | null {
  const levels = fights.filter((f) => f.kill !== false).map((f) => f.averageItemLevel).filter((l): l is number => typeof l === 'number' && l > 0);
  if (levels.length === 0) return null;
  return Math.round((levels.reduce((a, b) => a + b, 0) / levels.length) * 10) / 10;
}

/** Only guilds ranked on the realm for the zone count; ordered by that rank, then name. */
function realmGuildsOf(guilds: Array<z.infer<typeof wclRealmGuildSchema>>): RealmGuild[] {
  return guilds
    .map((g) => ({ guildName: g.name, realmSlug: g.server.slug, region: g.server.region.slug.toLowerCase(), ranks: ranksOf(g.zoneRanking?.progress) }))
    .filter((g) => g.ranks.server !== null)
    .sort((a, b) => (a.ranks.server as number) - (b.ranks.server as number) || a.guildName.localeCompare(b.guildName));
}

/** Progress is told on the hardest difficulty with at least one kill ("4/9 Mythic"), as raiders say it. */
function progressOf(encounterIds: number[], fights: Fight[]): GuildRanking['progress'] {
  const inZone = new Set(encounterIds);
  const killsByDifficulty = new Map<number, Set<number>>();
  for (const fight of fights) {
    if (fight.kill === false || !inZone.has(fight.encounterID) || fight.difficulty == null) continue;
    if (!(fight.difficulty in DIFFICULTY_NAMES)) continue;
    const kills = killsByDifficulty.get(fight.difficulty) ?? new Set<number>();
    kills.add(fight.encounterID);
    killsByDifficulty.set(fight.difficulty, kills);
  }
  const hardest = Math.max(0, ...killsByDifficulty.keys());
  return {
    bossesKilled: killsByDifficulty.get(hardest)?.size ?? 0,
    bossesTotal: inZone.size,
    difficulty: DIFFICULTY_NAMES[hardest] ?? 'Normal',
  };
}

function ranksOf(positions: Positions): RankTriple {
  return {
    world: positions?.worldRank?.number ?? null,
    region: positions?.regionRank?.number ?? null,
    server: positions?.serverRank?.number ?? null,
  };
}
