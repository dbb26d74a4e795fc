import { z } from 'zod';
import { RAID_DIFFICULTIES } from '../../domain/activity.js';
import { timestamp } from './common.js';

const difficulty = z.enum(RAID_DIFFICULTIES);

export const ratingColorSchema = z
  .object({ r: z.number(), g: z.number(), b: z.number(), a: z.number() })
  .meta({ description: "Battle.net's colour of the rating: 0–255 channels, alpha 0–1" });

export const mythicPlusRunSchema = z.object({
  dungeon: z.string(),
  dungeon_id: z.number().int(),
  keystone_level: z.number().int(),
  completed_at: timestamp,
  in_time: z.boolean(),
});

export const raidProgressSchema = z.object({
  instance: z.string(),
  instance_id: z.number().int(),
  difficulty,
  completed: z.number().int().meta({ description: 'Bosses ever killed on this difficulty' }),
  total: z.number().int(),
});

export const raidVaultSlotSchema = z.object({
  threshold: z.number().int().meta({ description: 'Distinct bosses this week that unlock the slot (2, 4, 6)' }),
  unlocked: z.boolean(),
  difficulty: difficulty.nullable().meta({ description: 'Difficulty of the reward: the threshold-th best boss; null while locked' }),
});

export const dungeonVaultSlotSchema = z.object({
  threshold: z.number().int().meta({ description: 'Runs this week that unlock the slot (1, 4, 8)' }),
  unlocked: z.boolean(),
  keystone_level: z.number().int().nullable().meta({ description: 'Key level of the reward: the threshold-th highest run; null while locked' }),
});

export const activitySchema = z
  .object({
    week: z.object({
      number: z.number().int().meta({ description: "The season's week" }),
      starts_at: timestamp.meta({ description: "The region's weekly reset this week began at" }),
      ends_at: timestamp.meta({ description: 'The next reset' }),
    }),
    mythic_plus: z.object({
      score: z.number().nullable().meta({ description: "This season's Mythic+ rating as Battle.net gives it; null without a rated run" }),
      color: ratingColorSchema.nullable(),
      runs_this_week: z.array(mythicPlusRunSchema).meta({ description: 'Highest key first' }),
      runs_are_floor: z.literal(true).meta({ description: 'Battle.net lists the best run per dungeon only: there may have been more runs' }),
    }),
    raid: z.object({
      kills_this_week: z
        .object({ lfr: z.number().int(), normal: z.number().int(), heroic: z.number().int(), mythic: z.number().int() })
        .meta({ description: 'Distinct bosses per difficulty last killed at or after this week’s reset' }),
      progress: z.array(raidProgressSchema),
    }),
    vault: z.object({
      raid: z.array(raidVaultSlotSchema),
      dungeons: z.array(dungeonVaultSlotSchema),
      world: z.null().meta({ description: 'Delves and world activities are not in Battle.net’s data: unknown, not zero' }),
    }),
    fetched_at: timestamp.nullable(),
    stale: z.boolean().meta({ description: 'The last activity fetch failed; this is the activity fetched before' }),
  })
  .meta({ id: 'Activity' });

export type ActivityJson = z.infer<typeof activitySchema>;
