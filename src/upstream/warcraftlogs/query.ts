/**
 * One GraphQL document per guild comparison, so a refresh costs one request:
 * - `rateLimitData` is cheap and tells us how many points are left this hour;
 * - `worldData.zone` gives the zone's name and its encounters (bosses total);
 * - `guildData.guild.zoneRanking` gives the progress and speed ranks (speed on Mythic, as WarcraftLogs ranks it);
 * - WarcraftLogs has no "bosses killed" field, so kills come from the guild's recent reports in the zone:
 *   each kill fight names its encounter and difficulty, and the best difficulty with kills is the guild's progress;
 *   their average item level and the reports' total give the guild's item level and logs count;
 * - `worldData.server.guilds` lists the realm's guilds with their ranks in the zone, for the realm comparison.
 */
export const GUILD_PROGRESS_QUERY = `query GuildProgress($name: String!, $serverSlug: String!, $serverRegion: String!, $zoneId: Int!) {
  rateLimitData { limitPerHour pointsSpentThisHour pointsResetIn }
  worldData {
    zone(id: $zoneId) { id name encounters { id name } }
    server(region: $serverRegion, slug: $serverSlug) {
      guilds(limit: 100) {
        data {
          name
          server { slug region { slug } }
          zoneRanking(zoneId: $zoneId) { progress { worldRank { number } regionRank { number } serverRank { number } } }
        }
      }
    }
  }
  guildData {
    guild(name: $name, serverSlug: $serverSlug, serverRegion: $serverRegion) {
      id name
      server { slug region { slug } }
      zoneRanking(zoneId: $zoneId) {
        progress { worldRank { number } regionRank { number } serverRank { number } }
        speed(difficulty: 5) { worldRank { number } regionRank { number } serverRank { number } }
      }
    }
  }
  reportData {
    reports(guildName: $name, guildServerSlug: $serverSlug, guildServerRegion: $serverRegion, zoneID: $zoneId, limit: 50) {
      total
      data { fights(killType: Kills) { encounterID difficulty kill averageItemLevel } }
    }
  }
}`;

export interface GuildProgressVariables {
  name: string;
  serverSlug: string;
  serverRegion: string;
  zoneId: number;
}
