import { withCurrentWeek } from '../../domain/guild-plan.js';
import type { SeasonRoadmap } from '../../season/calendar.js';
import type { RoadmapJson } from '../schemas/roadmap.js';

export function presentRoadmap(season: SeasonRoadmap): RoadmapJson {
  return {
    expansion: season.expansion,
    season: season.season,
    region: season.region,
    expansion_id: season.expansionId,
    source: season.isGuildPlan ? 'guild' : 'season',
    current_week: season.week.week,
    target_ilvl: season.week.targetIlvl,
    weeks: withCurrentWeek(season.weeks, season.week).map((w) => ({
      week: w.week,
      start_date: w.startDate,
      target_ilvl: w.targetIlvl,
      description: w.description,
      is_current: w.isCurrent,
      expansion_id: season.expansionId,
      ilvl_target: w.targetIlvl,
    })),
  };
}
