import { z } from 'zod';

export const roadmapWeekSchema = z.object({
  week: z.number().int(),
  start_date: z.string().meta({ format: 'date', example: '2026-03-17' }),
  target_ilvl: z.number(),
  description: z.string(),
  is_current: z.boolean(),
  expansion_id: z.number().int().meta({ description: 'Same as the roadmap’s expansion_id' }),
  ilvl_target: z.number().meta({ description: 'Same as target_ilvl (the name hool.gg’s web app reads)' }),
});

export const roadmapSchema = z
  .object({
    expansion: z.string(),
    season: z.string(),
    region: z.string(),
    expansion_id: z.number().int().meta({ description: 'The expansion’s major game version (Midnight: 12), or the guild plan’s' }),
    source: z.enum(['season', 'guild']).meta({ description: 'guild when the Guild Master set the guild’s own plan' }),
    current_week: z.number().int(),
    target_ilvl: z.number().meta({ description: "This week's target" }),
    weeks: z.array(roadmapWeekSchema).meta({ description: 'Every planned week in order, and always the current week' }),
  })
  .meta({ id: 'Roadmap' });

/**
 * The guild's own plan as hool.gg's settings page saves it. Each week may carry the other fields the roadmap
 * sent (they are ignored): `ilvl_target` is the target, the week number counts from the season's week 1.
 */
export const roadmapBody = z
  .object({
    expansion_id: z.number().int().min(0).max(1000),
    weeks: z.array(
      z.object({
        week: z.number().int().min(-1000).max(10_000),
        ilvl_target: z.number().finite(),
      }),
    ),
  })
  .meta({ id: 'GuildPlanWrite' });

export type RoadmapJson = z.infer<typeof roadmapSchema>;
export type RoadmapBody = z.infer<typeof roadmapBody>;
