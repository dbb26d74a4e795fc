import { z } from 'zod';
import { MAX_TEAM_MEMBERS, MAX_TEAM_OFFSET } from '../../domain/team-plan.js';
import { guildIdSchema, integerString, timestamp } from './common.js';

export const teamPlanParams = z.object({ guild_id: guildIdSchema, plan_id: integerString(1, 2_147_483_647).meta({ description: 'The team plan’s id' }) });

/**
 * A team plan as the Guild Master saves it: who is on the team (ranks, named characters, or both) and its
 * targets, either an offset from the guild's plan every week or weekly targets of its own.
 */
export const teamPlanBody = z
  .object({
    name: z.string().trim().min(1).max(100),
    ranks: z.array(z.number().int().min(0).max(100)).max(101).default([]).meta({ description: 'Guild ranks on the team (0 = Guild Master)' }),
    members: z
      .array(z.object({ character_name: z.string().trim().min(1).max(64), realm: z.string().trim().min(1).max(64).meta({ description: 'Realm name or slug' }) }))
      .max(MAX_TEAM_MEMBERS)
      .default([])
      .meta({ description: 'Characters on the team whatever their rank; a plan naming a character wins over a plan listing its rank' }),
    offset: z.number().finite().min(-MAX_TEAM_OFFSET).max(MAX_TEAM_OFFSET).optional().meta({
      description: 'Item levels added to the guild’s target every week (e.g. 3 for "+3 every week"); give this or weeks',
    }),
    weeks: z
      .array(z.object({ week: z.number().int().min(-1000).max(10_000), ilvl_target: z.number().finite() }))
      .optional()
      .meta({ description: 'Weekly targets of the team’s own, as the guild’s plan takes them; give this or offset' }),
  })
  .meta({ id: 'TeamPlanWrite' });

export const teamPlanSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    ranks: z.array(z.number().int()),
    members: z.array(z.object({ character_name: z.string(), realm: z.string() })),
    offset: z.number().nullable().meta({ description: 'Set when the plan is an offset from the guild’s plan' }),
    weeks: z.array(z.object({ week: z.number().int(), ilvl_target: z.number() })).nullable().meta({ description: 'Set when the plan has weekly targets of its own' }),
    current_target_ilvl: z.number().optional().meta({ description: 'The team’s target this week' }),
    version: z.number().int().meta({ description: 'Id of this version; every save is a new one' }),
    retired: z.boolean(),
    updated_by: z.number().int(),
    updated_at: timestamp,
  })
  .meta({ id: 'TeamPlan' });

export const teamPlansSchema = z
  .object({
    guild_id: z.number().int(),
    current_week: z.number().int(),
    target_ilvl: z.number().meta({ description: 'The guild’s own target this week' }),
    plans: z.array(teamPlanSchema),
  })
  .meta({ id: 'TeamPlans' });

export const teamPlanHistorySchema = z
  .object({ guild_id: z.number().int(), plan_id: z.number().int(), versions: z.array(teamPlanSchema).meta({ description: 'Newest first' }) })
  .meta({ id: 'TeamPlanHistory' });

export type TeamPlanJson = z.infer<typeof teamPlanSchema>;
export type TeamPlanBody = z.output<typeof teamPlanBody>;
