import {
  EMPTY_ACTIVITY_MYTHIC_PLUS, EMPTY_ACTIVITY_RAIDS, greatVault, raidKillsThisWeek, runsThisWeek, type ResetPeriod,
} from '../../domain/activity.js';
import type { ActivityRecord } from '../../db/tables/character-activity.js';
import type { ActivityJson } from '../schemas/activity.js';

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * This week's activity derived from the stored lists at read time, so a reset moves every character to the new
 * week at once, without waiting for the next fetch.
 */
export function presentActivity(record: ActivityRecord, week: number, period: ResetPeriod): ActivityJson {
  const mythicPlus = record.mythicPlus ?? EMPTY_ACTIVITY_MYTHIC_PLUS;
  const raids = record.raids ?? EMPTY_ACTIVITY_RAIDS;
  const vault = greatVault(raids.encounters, mythicPlus.runs, period.startsAt);
  const stale = record.lastErrorAt !== null && (record.fetchedAt === null || record.lastErrorAt > record.fetchedAt);
  return {
    week: { number: week, starts_at: period.startsAt.toISOString(), ends_at: period.endsAt.toISOString() },
    mythic_plus: {
      score: mythicPlus.score,
      color: mythicPlus.color,
      runs_this_week: runsThisWeek(mythicPlus.runs, period.startsAt).map((r) => ({
        dungeon: r.dungeon, dungeon_id: r.dungeonId, keystone_level: r.keystoneLevel, completed_at: iso(r.completedAt), in_time: r.inTime,
      })),
      runs_are_floor: true,
    },
    raid: {
      kills_this_week: raidKillsThisWeek(raids.encounters, period.startsAt),
      progress: raids.modes.map((m) => ({ instance: m.instanceName, instance_id: m.instanceId, difficulty: m.difficulty, completed: m.completed, total: m.total })),
    },
    vault: {
      raid: vault.raid.map((s) => ({ threshold: s.threshold, unlocked: s.unlocked, difficulty: s.difficulty })),
      dungeons: vault.dungeons.map((s) => ({ threshold: s.threshold, unlocked: s.unlocked, keystone_level: s.keystoneLevel })),
      world: null,
    },
    fetched_at: record.fetchedAt,
    stale,
  };
}
