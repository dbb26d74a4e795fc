import { z } from 'zod';
import { comparisonRegionSchema } from '../../queue/guild-comparison.js';
import { realmInputSchema } from '../../queue/schemas.js';
import { freshness } from './common.js';

export const comparisonsQuery = z.object({
  guild_name: z.string().trim().min(1).max(100).regex(/^[^\u0000-\u001f\u007f]*$/, 'must not contain control characters').optional().meta({ description: "Defaults to the guild's own name" }),
  realm: realmInputSchema.optional().meta({ description: "Realm slug or display name; defaults to the guild's realm" }),
  region: comparisonRegionSchema.optional().meta({ description: "Defaults to the guild's region" }),
});

const rank = z.number().int().nullable();

export const comparisonSchema = z
  .object({
    guild_name: z.string(),
    realm: z.string(),
    region: z.string(),
    zone: z.object({ id: z.number().int().nullable(), name: z.string().nullable() }),
    progress: z.object({ bosses_killed: z.number().int().nullable(), bosses_total: z.number().int().nullable(), difficulty: z.string().nullable() }),
    ranks: z.object({ world: rank, region: rank, server: rank }),
    speed: z.record(z.string(), z.unknown()).nullable(),
    ...freshness,
  })
  .meta({ id: 'GuildComparison' });

export type ComparisonJson = z.infer<typeof comparisonSchema>;
