import type { EntityManager } from '@mikro-orm/postgresql';
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

/** Upserts every week of the plan on (expansion, season, week): loading the same plan twice changes nothing. */
export async function saveSeasonPlan(em: EntityManager, plan: SeasonPlan): Promise<number> {
  let changed = 0;
  await em.transactional(async (tx) => {
    for (const w of plan.weeks) {
      const rows = await tx.getConnection().execute<{ id: number }[]>(
        `insert into weekly_targets (expansion, season, week, start_date, target_ilvl, description, is_global)
         values (?, ?, ?, ?, ?, ?, ?)
         on conflict (expansion, season, week) do update set
           start_date = excluded.start_date, target_ilvl = excluded.target_ilvl,
           description = excluded.description, is_global = excluded.is_global
         where (weekly_targets.start_date, weekly_targets.target_ilvl, weekly_targets.description, weekly_targets.is_global)
           is distinct from (excluded.start_date, excluded.target_ilvl, excluded.description, excluded.is_global)
         returning id`,
        [plan.expansion, plan.season, w.week, w.startDate, w.targetIlvl, w.description, w.isGlobal],
        'all',
        // Raw queries must name the transaction, or they take a second connection from the pool.
        tx.getTransactionContext(),
      );
      changed += rows.length;
    }
  });
  return changed;
}

interface TargetRow {
  expansion: string;
  season: string;
  week: number;
  start_date: string | Date;
  target_ilvl: number;
  description: string;
  is_global: boolean;
}

const isoDay = (d: string | Date) => (typeof d === 'string' ? d.slice(0, 10) : d.toISOString().slice(0, 10));

/** Every stored plan, weeks in order. */
export async function loadSeasonPlans(em: EntityManager): Promise<SeasonPlan[]> {
  const rows = await em
    .getConnection()
    .execute<TargetRow[]>(
      `select expansion, season, week, to_char(start_date, 'YYYY-MM-DD') as start_date, target_ilvl, description, is_global
       from weekly_targets order by expansion, season, week`,
    );
  const plans = new Map<string, SeasonPlan>();
  for (const r of rows) {
    const key = `${r.expansion}\u0000${r.season}`;
    let plan = plans.get(key);
    if (!plan) {
      plan = { expansion: r.expansion, season: r.season, weeks: [] };
      plans.set(key, plan);
    }
    plan.weeks.push({
      week: r.week,
      startDate: isoDay(r.start_date),
      targetIlvl: Number(r.target_ilvl),
      description: r.description,
      isGlobal: r.is_global,
    });
  }
  return [...plans.values()];
}
