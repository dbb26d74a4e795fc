import type { SeasonPlan, SeasonWeek } from './types.js';

function week(week: number, startDate: string, targetIlvl: number, description: string, isGlobal = false): SeasonWeek {
  return Object.freeze({ week, startDate, targetIlvl, description, isGlobal });
}

/**
 * Midnight Season 1 as the original service planned it: US start dates (Tuesday reset) and the item level a
 * raider should reach by each week. Early Access launched on the same day in every region, hence global.
 * Frozen because every caller shares this one object.
 */
export const DEFAULT_SEASON_PLAN: SeasonPlan = Object.freeze({
  expansion: 'Midnight',
  season: 'Season 1',
  weeks: Object.freeze([
    week(-2, '2026-02-26', 200, 'Early Access', true),
    week(-1, '2026-03-03', 230, 'Pre-season week 1'),
    week(0, '2026-03-10', 240, 'Pre-season week 2'),
    week(1, '2026-03-17', 250, 'Season 1 week 1 (Heroic week)'),
    week(2, '2026-03-24', 266, 'Mythic raid and Mythic+ open'),
    week(3, '2026-03-31', 273, 'Final raid opens'),
    week(4, '2026-04-07', 274, 'Season 1 week 4'),
    week(5, '2026-04-14', 276, 'Season 1 week 5'),
    week(6, '2026-04-21', 278, 'Season 1 week 6'),
    week(7, '2026-04-28', 279, 'Season 1 week 7'),
    week(8, '2026-05-05', 281, 'Season 1 week 8'),
    week(9, '2026-05-12', 284, 'Season 1 week 9'),
    week(10, '2026-05-19', 286, 'Season 1 week 10'),
    week(11, '2026-05-26', 287, 'Season 1 week 11'),
    week(12, '2026-06-02', 289, 'Season 1 week 12 (target holds for every later week)'),
  ]) as SeasonWeek[],
});
