import type { EntityManager } from '@mikro-orm/postgresql';
import type { SeasonPlan } from '../../domain/types.js';
import { inTransaction, query, type Db } from '../sql.js';
import { col, defineTable, type Row } from '../table.js';

/** One week of a season plan; (expansion, season, week) is the natural key a plan is loaded on. */
export const weeklyTargetsTable = defineTable('weekly_targets', {
  id: col.integer().defaulted(),
  expansion: col.text(),
  season: col.text(),
  week: col.integer(),
  start_date: col.date(),
  target_ilvl: col.double(),
  description: col.text().defaulted(),
  is_global: col.boolean().defaulted(),
});

/** Upserts every week of the plan on (expansion, season, week): loading the same plan twice changes nothing. */
export async function saveSeasonPlan(em: EntityManager, plan: SeasonPlan): Promise<number> {
  let changed = 0;
  await inTransaction(em, async (tx) => {
    for (const w of plan.weeks) {
      const rows = await query<{ id: number }>(
        tx,
        `insert into weekly_targets (expansion, season, week, start_date, target_ilvl, description, is_global)
         values (?, ?, ?, ?, ?, ?, ?)
         on conflict (expansion, season, week) do update set
           start_date = excluded.start_date, target_ilvl = excluded.target_ilvl,
           description = excluded.description, is_global = excluded.is_global
         where (weekly_targets.start_date, weekly_targets.target_ilvl, weekly_targets.description, weekly_targets.is_global)
           is distinct from (excluded.start_date, excluded.target_ilvl, excluded.description, excluded.is_global)
         returning id`,
        [plan.expansion, plan.season, w.week, w.startDate, w.targetIlvl, w.description, w.isGlobal],
      );
      changed += rows.length;
    }
  });
  return changed;
}

/** start_date is read through to_char, so it arrives as the plan file spells it. */
type TargetRow = Omit<Row<typeof weeklyTargetsTable>, 'id' | 'start_date'> & { start_date: string };

/** Every stored plan, weeks in order. */
export async function loadSeasonPlans(db: Db): Promise<SeasonPlan[]> {
  const rows = await query<TargetRow>(
    db,
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
      startDate: r.start_date,
      targetIlvl: Number(r.target_ilvl),
      description: r.description,
      isGlobal: r.is_global,
    });
  }
  return [...plans.values()];
}
