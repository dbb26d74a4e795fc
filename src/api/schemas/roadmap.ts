import { z } from 'zod';

export const roadmapSchema = z
  .object({
    expansion: z.string(),
    season: z.string(),
    region: z.string(),
    current_week: z.number().int(),
    weeks: z.array(
      z.object({
        week: z.number().int(),
        start_date: z.string().meta({ format: 'date', example: '2026-03-17' }),
        target_ilvl: z.number(),
        description: z.string(),
        is_current: z.boolean(),
      }),
    ),
  })
  .meta({ id: 'Roadmap' });

export type RoadmapJson = z.infer<typeof roadmapSchema>;
