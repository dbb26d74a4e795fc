import { z } from 'zod';
import type { SeasonPlan } from '../domain/types.js';

/** A season plan as operators write it in a plan file (snake_case, like the API). */
export const seasonPlanFileSchema = z.object({
  expansion: z.string().min(1),
  season: z.string().min(1),
  weeks: z
    .array(
      z.object({
        week: z.number().int(),
        start_date: z.iso.date(),
        target_ilvl: z.number().positive().max(10000),
        description: z.string().default(''),
        is_global: z.boolean().default(false),
      }),
    )
    .min(1),
});

export function planFromFile(json: unknown): SeasonPlan {
  const file = seasonPlanFileSchema.parse(json);
  const weeks = new Set<number>();
  for (const w of file.weeks) {
    if (weeks.has(w.week)) throw new Error(`week ${w.week} appears twice in the plan`);
    weeks.add(w.week);
  }
  return {
    expansion: file.expansion,
    season: file.season,
    weeks: file.weeks.map((w) => ({
      week: w.week,
      startDate: w.start_date,
      targetIlvl: w.target_ilvl,
      description: w.description,
      isGlobal: w.is_global,
    })),
  };
}
