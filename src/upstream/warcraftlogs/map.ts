import type { z } from 'zod';
import { WARCRAFTLOGS_REGIONS, type WarcraftLogsRegion } from '../../domain/regions.js';
import type { wclGuildSchema, wclZoneSchema } from './schemas.js';

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
}

/** WarcraftLogs difficulty ids. */
const DIFFICULTY_NAMES: Readonly<Record<number, string>> = { 1: 'LFR', 3: 'Normal', 4: 'Heroic', 5: 'Mythic' };

type Positions = z.infer<typeof wclGuildSchema>['zoneRanking']['progress'];
type Fight = { encounterID: number; difficulty?: number | null; kill?: boolean | null };

export function toGuildRanking(
  guild: z.infer<typeof wclGuildSchema>,
  zone: z.infer<typeof wclZoneSchema>,
  reports: Array<{ fights?: Fight[] | null }>,
  requestedRegion: WclRegion,
): GuildRanking {
  const region = guild.server.region.slug.toLowerCase();
  return {
    guildName: guild.name,
    realmSlug: guild.server.slug,
    region: (WARCRAFTLOGS_REGIONS as readonly string[]).includes(region) ? (region as WclRegion) : requestedRegion,
    zone: { id: zone.id, name: zone.name },
    progress: progressOf(zone.encounters.map((e) => e.id), reports.flatMap((r) => r.fights ?? [])),
    ranks: ranksOf(guild.zoneRanking.progress),
    speed: ranksOf(guild.zoneRanking.speed),
  };
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
