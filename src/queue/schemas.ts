import { z } from 'zod';
import { REALM_SLUG_PATTERN, realmSlug } from '../domain/realm.js';
import { REGIONS } from '../domain/regions.js';

export const regionSchema = z.enum(REGIONS);
/** A realm already in Battle.net's slug form (job data, stored rows). */
export const realmSlugSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(REALM_SLUG_PATTERN, 'must be a realm slug such as "area-52"');
/** A realm as it comes in from outside (display name or slug), normalised to the slug. */
export const realmInputSchema = z
  .string()
  .max(100)
  .transform((value) => realmSlug(value))
  .pipe(realmSlugSchema);
/** Character names: letters only (any script), 2–24 of them, as the game allows. */
export const characterNameSchema = z
  .string()
  .min(2)
  .max(24)
  .regex(/^\p{L}+$/u, 'must be a character name (letters only)');

/** A member of a guild as guild-api describes it: the owner (bnet id) and rank are guild-api's. */
export const guildMemberSchema = z.object({
  characterName: z.string().min(1).max(64),
  realm: realmSlugSchema.nullable().optional(),
  bnetId: z.number().int().nonnegative().nullable().optional(),
  rankId: z.number().int().min(0).max(100).nullable().optional(),
  rankName: z.string().max(100).nullable().optional(),
});
export type GuildMember = z.infer<typeof guildMemberSchema>;

export const guildRefSchema = z.object({
  id: z.number().int().positive(),
  name: z.string().min(1).max(100),
  realm: realmSlugSchema,
  region: regionSchema,
});
export type GuildRef = z.infer<typeof guildRefSchema>;

/** Lower-cased name used in keys and natural keys; display names keep their case. */
export const nameKey = (name: string): string => name.normalize('NFC').toLocaleLowerCase('en-US');
