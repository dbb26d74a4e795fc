import type { RoadmapJson } from '../schemas/roadmap.js';
import type { SeasonRoadmap } from '../../season/calendar.js';

export function presentRoadmap(season: SeasonRoadmap): RoadmapJson {
  return {
    expansion: season.expansion,
    season: season.season,
    region: season.region,
    current_week: season.week.week,
    weeks: season.weeks.map((w) => ({
      week: w.week,
      start_date: w.startDate,
      target_ilvl: w.targetIlvl,
      description: w.description,
      is_current: w.isCurrent,
    })),
  };
}
