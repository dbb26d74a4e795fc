import { defineJob } from './job-kind.js';
import { z } from 'zod';
import { nameKey, realmSlugSchema } from './schemas.js';
import { WARCRAFTLOGS_REGIONS } from '../domain/regions.js';

export const comparisonRegionSchema = z.enum(WARCRAFTLOGS_REGIONS);

export const guildComparisonPayloadSchema = z.object({
  guildName: z.string().min(1).max(100),
  realm: realmSlugSchema,
  region: comparisonRegionSchema,
});
export type GuildComparisonPayload = z.infer<typeof guildComparisonPayloadSchema>;

export const comparisonJobKey = (p: GuildComparisonPayload): string =>
  `wcl_${p.region}_${p.realm}_${nameKey(p.guildName).replace(/[^\p{L}\p{N}]+/gu, '-')}`;

export const guildComparisonJob = defineJob({
  queue: 'guildComparison',
  name: 'compare',
  schema: guildComparisonPayloadSchema,
  options: {
    attempts: 3,
    backoff: { type: 'exponential', delay: 5000 },
    removeOnComplete: { age: 3600, count: 1000 },
    removeOnFail: { age: 7 * 24 * 3600, count: 1000 },
  },
  perJob: (p) => ({ deduplication: { id: comparisonJobKey(p) } }),
});
