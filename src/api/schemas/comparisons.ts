import { z } from 'zod';
import { WARCRAFTLOGS_REGIONS } from '../../domain/regions.js';
import { realmInputSchema } from '../../queue/schemas.js';
import { caseInsensitiveEnum, freshness } from './common.js';

export const comparisonsQuery = z.object({
  guild_name: z.string().trim().min(1).max(100).regex(/^[^\u0000-\u001f\u007f]*$/, 'must not contain control characters').optional().meta({ description: "Defaults to the guild's own name" }),
  realm: realmInputSchema.optional().meta({ description: "Realm slug or display name; defaults to the guild's realm" }),
  region: caseInsensitiveEnum(WARCRAFTLOGS_REGIONS).optional().meta({ description: "Defaults to the guild's region" }),
});

const rank = z.number().int().nullable();
/** Absent rather than null where unknown: hool.gg's panel tests these with `!== undefined`. */
const optionalRank = z.number().int().optional();

export const comparedGuildSchema = z.object({
  guild_name: z.string(),
  realm: z.string(),
  region: z.string(),
  avg_ilvl: z.number().optional().meta({ description: "Mean item level of its logged kills in the zone; for a compared guild, only when its own ranking is stored" }),
  best_performance: z.string().optional().meta({ description: 'Progress as raiders say it, e.g. "6/9 M"' }),
  world_rank: optionalRank,
  region_rank: optionalRank,
  realm_rank: optionalRank,
  logs_count: z.number().int().optional(),
});

export const comparisonSchema = z
  .object({
    guild_name: z.string(),
    realm: z.string(),
    region: z.string(),
    zone: z.object({ id: z.number().int().nullable(), name: z.string().nullable() }),
    progress: z.object({ bosses_killed: z.number().int().nullable(), bosses_total: z.number().int().nullable(), difficulty: z.string().nullable() }),
    ranks: z.object({ world: rank, region: rank, server: rank }),
    speed: z.record(z.string(), z.unknown()).nullable(),
    your_guild: comparedGuildSchema,
    compared_guilds: z.array(comparedGuildSchema).meta({ description: 'The other guilds of the realm WarcraftLogs ranks in the zone, by realm rank' }),
    realm_average: z.number().optional().meta({ description: 'Mean item level of the compared guilds whose item level is known; absent when none is' }),
    your_rank: z.number().int().optional().meta({ description: 'Your place among the ranked guilds of the realm; absent when unranked' }),
    total_guilds: z.number().int().meta({ description: 'Ranked guilds of the realm, yours included' }),
    ...freshness,
  })
  .meta({ id: 'GuildComparison' });

export type ComparisonJson = z.infer<typeof comparisonSchema>;
