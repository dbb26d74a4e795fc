import { z } from 'zod';
import { tokenResponseSchema } from '../oauth.js';

/** WarcraftLogs v2 responses to GUILD_PROGRESS_QUERY; fields we do not read are accepted and dropped. */

export const wclTokenSchema = tokenResponseSchema;

export const rateLimitDataSchema = z.object({
  limitPerHour: z.number().int().positive(),
  pointsSpentThisHour: z.number().nonnegative(),
  pointsResetIn: z.number().int().nonnegative(),
});
export type RateLimitData = z.infer<typeof rateLimitDataSchema>;

const rank = z.object({ number: z.number().int() }).nullish();
const rankPositions = z.object({ worldRank: rank, regionRank: rank, serverRank: rank }).nullish();

export const wclGuildSchema = z.object({
  id: z.number().int(),
  name: z.string().min(1),
  server: z.object({ slug: z.string().min(1), region: z.object({ slug: z.string().min(1) }) }),
  zoneRanking: z.object({ progress: rankPositions, speed: rankPositions }),
});

export const wclZoneSchema = z.object({
  id: z.number().int(),
  name: z.string().min(1),
  encounters: z.array(z.object({ id: z.number().int() })),
});

const fightSchema = z.object({
  encounterID: z.number().int(),
  difficulty: z.number().int().nullish(),
  kill: z.boolean().nullish(),
  averageItemLevel: z.number().nullish(),
});

/** A guild of the realm as the server's guild list gives it. */
export const wclRealmGuildSchema = z.object({
  name: z.string().min(1),
  server: z.object({ slug: z.string().min(1), region: z.object({ slug: z.string().min(1) }) }),
  zoneRanking: z.object({ progress: rankPositions }).nullish(),
});

export const guildProgressDataSchema = z.object({
  rateLimitData: rateLimitDataSchema.optional(),
  // Optional only so that a response to a narrower query (a recorded sample, say) still validates;
  // the client refuses a response without the zone.
  worldData: z
    .object({
      zone: wclZoneSchema.nullable(),
      server: z.object({ guilds: z.object({ data: z.array(wclRealmGuildSchema) }).nullish() }).nullish(),
    })
    .optional(),
  guildData: z.object({ guild: wclGuildSchema.nullable() }),
  reportData: z
    .object({ reports: z.object({ total: z.number().int().nullish(), data: z.array(z.object({ fights: z.array(fightSchema).nullish() })) }).nullable() })
    .optional(),
});
export type GuildProgressData = z.infer<typeof guildProgressDataSchema>;

/** GraphQL answers 200 even for errors: `data` may be null, `errors` explains. */
export const graphqlEnvelopeSchema = z.object({
  data: z.unknown().optional(),
  errors: z.array(z.object({ message: z.string() })).optional(),
});

export const rateLimitResponseSchema = z.object({ data: z.object({ rateLimitData: rateLimitDataSchema }) });
