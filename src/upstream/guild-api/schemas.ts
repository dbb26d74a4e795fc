import { z } from 'zod';

/** guild-api responses (docs/api.md); extra fields are accepted and dropped. */

export const permissionSchema = z.object({
  allowed: z.boolean(),
  rank_id: z.number().int().nonnegative().nullable(),
  reason: z.string().nullish(),
});

export const membersSchema = z.object({
  guild_id: z.number().int().optional(),
  members: z.array(
    z.object({
      character_name: z.string().min(1),
      bnet_id: z.number().int(),
      rank_id: z.number().int().nonnegative(),
      rank_name: z.string(),
      // Members carry no realm unless they are on another realm than the guild's.
      realm: z.string().min(1).nullish(),
    }),
  ),
});

export const settingsSchema = z.object({
  guild: z.object({
    id: z.number().int(),
    name: z.string().min(1),
    realm: z.string().min(1),
    region: z.string().min(1).nullish(),
  }),
});
