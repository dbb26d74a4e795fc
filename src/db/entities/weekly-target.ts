import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** One week of a season plan; (expansion, season, week) is the natural key the seed upserts on. */
export const WeeklyTarget = defineEntity({
  name: 'WeeklyTarget',
  tableName: 'weekly_targets',
  uniques: [{ name: 'weekly_targets_natural_key', properties: ['expansion', 'season', 'week'] }],
  properties: {
    id: p.integer().primary(),
    expansion: p.text(),
    season: p.text(),
    week: p.integer(),
    startDate: p.date(),
    targetIlvl: p.double().$type<number>(),
    description: p.text().default(''),
    isGlobal: p.boolean().default(false),
  },
});
export type WeeklyTarget = InferEntity<typeof WeeklyTarget>;
