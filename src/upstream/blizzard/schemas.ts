import { z } from 'zod';
import { QUALITIES } from '../../domain/types.js';
import { tokenResponseSchema } from '../oauth.js';

/**
 * Battle.net Profile API responses. Only the fields we read are declared, and those strictly;
 * everything else Blizzard sends (links, stats, media…) is accepted and dropped.
 */

export const blizzardTokenSchema = tokenResponseSchema;

const named = z.object({ id: z.number().int(), name: z.string() });
const realmRef = z.object({ id: z.number().int().optional(), slug: z.string().min(1) });

export const profileSchema = z.object({
  id: z.number().int(),
  name: z.string().min(1),
  realm: realmRef,
  level: z.number().int().nonnegative(),
  character_class: named,
  active_spec: named.optional(),
  guild: z.object({ id: z.number().int(), name: z.string().min(1), realm: realmRef }).optional(),
  equipped_item_level: z.number().optional(),
  last_login_timestamp: z.number().int().optional(),
});
export type RawProfile = z.infer<typeof profileSchema>;

const typeTag = z.object({ type: z.string().min(1) });

export const equippedItemSchema = z.object({
  item: z.object({ id: z.number().int() }),
  slot: typeTag,
  quality: z.object({ type: z.enum(QUALITIES) }),
  name: z.string(),
  inventory_type: typeTag,
  level: z.object({ value: z.number().int().nonnegative() }),
  name_description: z.object({ display_string: z.string() }).optional(),
  enchantments: z
    .array(z.object({ enchantment_id: z.number().int(), enchantment_slot: typeTag.optional() }))
    .optional(),
  sockets: z.array(z.object({ socket_type: typeTag, item: z.object({ id: z.number().int() }).optional() })).optional(),
  set: z.object({ item_set: z.object({ id: z.number().int() }) }).optional(),
  item_class: z.object({ id: z.number().int(), name: z.string().optional() }).optional(),
  item_subclass: z.object({ id: z.number().int(), name: z.string().optional() }).optional(),
});
export type RawEquippedItem = z.infer<typeof equippedItemSchema>;

export const equipmentSchema = z.object({
  character: z.object({ id: z.number().int(), name: z.string() }).optional(),
  equipped_items: z.array(equippedItemSchema),
});
export type RawEquipment = z.infer<typeof equipmentSchema>;

export const specializationsSchema = z.object({
  active_specialization: named.optional(),
  specializations: z.array(z.object({ specialization: named })).optional(),
});
export type RawSpecializations = z.infer<typeof specializationsSchema>;

export const rosterSchema = z.object({
  guild: z.object({ id: z.number().int(), name: z.string().min(1), realm: realmRef }),
  members: z.array(
    z.object({
      character: z.object({
        name: z.string().min(1),
        id: z.number().int(),
        realm: realmRef,
        level: z.number().int().nonnegative(),
        playable_class: z.object({ id: z.number().int() }),
      }),
      rank: z.number().int().nonnegative(),
    }),
  ),
});
export type RawRoster = z.infer<typeof rosterSchema>;

/** The body Battle.net sends with 404 and 429 (`{"code","type","detail"}`). */
export const errorBodySchema = z.object({ code: z.number().int(), type: z.string(), detail: z.string() });

const rgba = z.object({ r: z.number(), g: z.number(), b: z.number(), a: z.number() });

/** `/mythic-keystone-profile`: the season rating and the current period's best run per dungeon. */
export const mythicKeystoneProfileSchema = z.object({
  current_mythic_rating: z.object({ rating: z.number(), color: rgba }).optional(),
  current_period: z
    .object({
      period: z.object({ id: z.number().int() }).optional(),
      best_runs: z
        .array(
          z.object({
            completed_timestamp: z.number().int(),
            keystone_level: z.number().int().nonnegative(),
            dungeon: named,
            is_completed_within_time: z.boolean(),
          }),
        )
        .optional(),
    })
    .optional(),
});
export type RawMythicKeystoneProfile = z.infer<typeof mythicKeystoneProfileSchema>;

/** `/encounters/raids`: every raid difficulty the character has progress on, with each boss's last kill. */
export const raidEncountersSchema = z.object({
  expansions: z
    .array(
      z.object({
        instances: z.array(
          z.object({
            instance: named,
            modes: z.array(
              z.object({
                difficulty: typeTag,
                progress: z.object({
                  completed_count: z.number().int().nonnegative(),
                  total_count: z.number().int().nonnegative(),
                  encounters: z.array(
                    z.object({ encounter: named, last_kill_timestamp: z.number().int().optional() }),
                  ),
                }),
              }),
            ),
          }),
        ),
      }),
    )
    .optional(),
});
export type RawRaidEncounters = z.infer<typeof raidEncountersSchema>;
