import { z } from 'zod';
import { activitySchema } from './activity.js';
import { characterNameSchema, realmInputSchema } from '../../queue/schemas.js';
import { caseInsensitiveEnum, freshness, guildIdSchema, integerString, timestamp } from './common.js';

/** `ahead` is labelled "On Track"; hool.gg's web app counts and badges on this word. */
export const statusSchema = z.enum(['ahead', 'behind', 'unknown']);

export const progressSchema = z.object({
  target_ilvl: z.number(),
  current_week: z.number().int(),
  gap: z.number().nullable(),
  status: statusSchema,
  status_label: z.string(),
  message: z.string(),
});

/** Never null: hool.gg's web app lower-cases them, so a character not fetched yet says "Unknown". */
export const classSpecRole = {
  class_name: z.string().meta({ description: '"Unknown" until Battle.net has told it' }),
  spec: z.string().meta({ description: '"Unknown" until the character is fetched' }),
  role: z.string().meta({ description: 'Tank, Healer or DPS; "Unknown" until the character is fetched' }),
};

export const characterProgressSchema = z
  .object({
    character_name: z.string(),
    realm: z.string(),
    region: z.string(),
    ...classSpecRole,
    level: z.number().int().nullable(),
    current_ilvl: z.number().nullable(),
    progress: progressSchema,
    ...freshness,
  })
  .meta({ id: 'CharacterProgress' });

/** Which guild, plan and week a body was computed for: the head of every list about a guild's members. */
export const weekHeader = {
  guild_id: z.number().int(),
  expansion: z.string(),
  season: z.string(),
  current_week: z.number().int(),
  target_ilvl: z.number(),
};

export const myCharactersSchema = z
  .object({
    ...weekHeader,
    characters: z.array(characterProgressSchema),
    message: z.string().optional(),
  })
  .meta({ id: 'MyCharacters' });

export const equippedItemSchema = z.object({
  slot: z.string(),
  item_id: z.number().int().nullable(),
  item_name: z.string().nullable(),
  ilvl: z.number().nullable().meta({ description: 'null for an empty slot' }),
  quality: z.string().nullable(),
  track: z.string().nullable(),
  enchanted: z.boolean(),
  sockets: z.number().int(),
  empty_sockets: z.number().int(),
});

export const gearPrioritySchema = z.object({
  slot: z.string(),
  item_name: z.string().nullable(),
  ilvl: z.number(),
  below_average_by: z.number(),
  track: z.string().nullable(),
  current_ilvl: z.number().meta({ description: 'The slot’s item level (0 when empty); same as ilvl' }),
  target_ilvl: z.number().meta({ description: "This week's target" }),
  source: z.string().nullable().meta({ description: 'Where the item came from: its upgrade track, when it has one' }),
  upgrade_priority: z.enum(['high', 'medium', 'low']).meta({
    description: 'high: empty or 10+ below the target; medium: below it; low: at or above it',
  }),
});

export const auditSchema = z.object({
  missing_enchants: z.array(z.string()),
  empty_sockets: z.number().int(),
  empty_socket_slots: z.array(z.string()),
  tier_pieces: z.number().int(),
  below_quality: z.array(z.string()),
});

const utcDay = z.string().meta({ format: 'date', example: '2026-11-25' });

export const historyPointSchema = z.object({
  date: utcDay.meta({ description: 'UTC day' }),
  ilvl: z.number().meta({ description: 'The last item level seen that day' }),
});

export const targetWeekSchema = z.object({
  week: z.number().int(),
  start_date: utcDay.meta({ description: 'UTC day the week begins in the guild’s region' }),
  starts_at: timestamp.meta({ description: 'The reset instant the week begins at' }),
  target_ilvl: z.number(),
});

/** Daily points and the weekly target line of the same range, enough to draw the chart. */
export const historyBlockSchema = z.object({
  weeks: z.number().int(),
  from: utcDay.meta({ description: 'First UTC day of the range' }),
  to: utcDay.meta({ description: 'Last UTC day of the range (today)' }),
  points: z.array(historyPointSchema).meta({ description: 'One point per day with a fetch, oldest first; days without one are absent' }),
  targets: z.array(targetWeekSchema).meta({ description: 'Every week in force during the range, in order, with its target' }),
});

export const forecastSchema = z.object({
  weekly_gain: z.number().nullable().meta({ description: 'Item levels gained per week lately (median of the last 4 weekly gains); null without a week of history' }),
  confidence: z.enum(['high', 'medium', 'low']).nullable().meta({ description: 'How steady the weekly gains were' }),
  projected_week: z.number().int().nullable().meta({ description: 'First week whose target the projection meets (this week when on track); null when none within the plan' }),
  reason: z.enum(['not_at_this_pace', 'not_enough_history', 'no_item_level']).nullable().meta({ description: 'Why projected_week is null' }),
  message: z.string(),
  at_risk: z.boolean().meta({ description: 'Behind now and not projected to catch up within the plan' }),
});

export const upgradeStepSchema = z.object({
  slot: z.string(),
  track: z.string().meta({ description: 'The item’s upgrade track, e.g. Champion' }),
  from: z.string().meta({ description: 'Track and rank before the step, e.g. "Champion 3/8"' }),
  to: z.string().meta({ description: 'Track and rank after it, e.g. "Champion 4/8"; never past the last rank' }),
  from_ilvl: z.number(),
  to_ilvl: z.number(),
  ilvl_gain: z.number().meta({ description: 'The item’s own gain' }),
  average_gain: z.number().meta({ description: 'What the step adds to the character’s item level (a two-hander counts twice)' }),
  average_after: z.number().meta({ description: 'The item level once this step and the ones before it are done, one decimal' }),
});

export const upgradePlanSchema = z.object({
  target_ilvl: z.number().meta({ description: "This week's target" }),
  current_ilvl: z.number(),
  reachable: z.boolean().meta({ description: 'Whether upgrading the worn items can reach the target' }),
  steps: z.array(upgradeStepSchema).meta({
    description: 'The fewest one-rank upgrades that reach the target, biggest gain first; every upgrade left when out of reach. Currency costs are not known (Battle.net does not expose them)',
  }),
  ilvl_after: z.number(),
  track_table: z.string().meta({ description: 'The season table of track item levels used, e.g. "Midnight Season 1"' }),
  message: z.string(),
});

export const characterDetailSchema = z
  .object({
    character: characterProgressSchema.extend({
      equipped_items: z.array(equippedItemSchema),
      audit: auditSchema.nullable(),
      spec_name: z.string().meta({ description: 'Same as spec' }),
      gear_details: z.record(z.string(), equippedItemSchema.omit({ slot: true })).meta({ description: 'equipped_items keyed by slot' }),
      last_updated: timestamp.nullable().meta({ description: 'Same as fetched_at' }),
    }),
    target_ilvl: z.number(),
    current_week: z.number().int(),
    gear_priorities: z.array(gearPrioritySchema),
    history: historyBlockSchema.meta({ description: 'The last 12 weeks' }),
    activity: activitySchema.nullable().meta({ description: "This week's Mythic+, raid kills and Great Vault; null until first fetched" }),
    forecast: forecastSchema,
    upgrade_plan: upgradePlanSchema.nullable().meta({ description: 'null until the item level is known' }),
  })
  .meta({ id: 'CharacterDetail' });

export const characterHistorySchema = historyBlockSchema
  .extend({ character_name: z.string(), realm: z.string(), region: z.string() })
  .meta({ id: 'CharacterHistory' });

export const pendingSchema = z.object({ status: z.literal('pending') }).meta({ id: 'Pending' });

export const characterParams = z.object({
  guild_id: guildIdSchema,
  // The generator renders a Unicode regex with its flag glued on; the documented pattern is spelled out instead.
  character_name: characterNameSchema.meta({ pattern: '^\\p{L}{2,24}$', description: 'Letters only, any case', example: 'Thrall' }),
});
export const characterQuery = z.object({
  realm: realmInputSchema.optional().meta({ description: "Realm slug (area-52) or display name (Area 52); defaults to the guild's realm" }),
});

/** A history longer than the character view's 12 weeks; three years at most. */
export const MAX_HISTORY_WEEKS = 156;
export const DETAIL_HISTORY_WEEKS = 12;

export const characterHistoryQuery = characterQuery.extend({
  weeks: integerString(1, MAX_HISTORY_WEEKS, DETAIL_HISTORY_WEEKS).meta({ description: `Weeks back from today, 1 to ${MAX_HISTORY_WEEKS}` }),
  format: caseInsensitiveEnum(['json', 'csv']).default('json'),
});

export type CharacterProgressJson = z.infer<typeof characterProgressSchema>;
export type CharacterDetailJson = z.infer<typeof characterDetailSchema>;
export type MyCharactersJson = z.infer<typeof myCharactersSchema>;
export type HistoryBlockJson = z.infer<typeof historyBlockSchema>;
export type CharacterHistoryJson = z.infer<typeof characterHistorySchema>;
export type ForecastJson = z.infer<typeof forecastSchema>;
export type UpgradePlanJson = z.infer<typeof upgradePlanSchema>;
