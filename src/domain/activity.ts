import type { RegionCode } from './regions.js';
import { MS_PER_WEEK, nextResetAfter, type ResetSchedule } from './resets.js';

/**
 * This week's activity: raid kills, Mythic+ runs and the Great Vault they unlock. "This week" is the region's
 * reset period, bounded by the same reset instants as the season's weeks.
 */

export const RAID_DIFFICULTIES = ['lfr', 'normal', 'heroic', 'mythic'] as const;
export type RaidDifficulty = (typeof RAID_DIFFICULTIES)[number];

/** One boss of one raid difficulty as Battle.net lists it; `lastKillAt` is epoch ms, null when never killed. */
export interface RaidEncounter {
  instanceId: number;
  instanceName: string;
  difficulty: RaidDifficulty;
  encounterId: number;
  encounterName: string;
  lastKillAt: number | null;
}

/** A raid difficulty's whole progress (killed at any time), as Battle.net counts it. */
export interface RaidModeProgress {
  instanceId: number;
  instanceName: string;
  difficulty: RaidDifficulty;
  completed: number;
  total: number;
}

export interface RaidActivity {
  modes: RaidModeProgress[];
  encounters: RaidEncounter[];
}

/** One Mythic+ run Battle.net lists in the current period (its best per dungeon). */
export interface MythicPlusRun {
  dungeonId: number;
  dungeon: string;
  keystoneLevel: number;
  completedAt: number;
  inTime: boolean;
}

/** Battle.net's colour of a rating, as it sends it (0–255 channels, alpha 0–1). */
export interface RatingColor {
  r: number;
  g: number;
  b: number;
  a: number;
}

export interface MythicPlusActivity {
  /** null: no rated run this season. */
  score: number | null;
  color: RatingColor | null;
  runs: MythicPlusRun[];
}

/** The reset period an instant falls in: from the region's last reset at or before it to the next one. */
export interface ResetPeriod {
  startsAt: Date;
  endsAt: Date;
}

/** The region's reset period containing `at`, by the weekly reset rule (nextResetAfter). */
export function resetPeriodAt(at: Date, region: RegionCode, schedule: ResetSchedule): ResetPeriod {
  const endsAt = nextResetAfter(at, region, schedule);
  return { startsAt: new Date(endsAt.getTime() - MS_PER_WEEK), endsAt };
}

export type KillsByDifficulty = Record<RaidDifficulty, number>;

/** The highest difficulty each boss was killed on since the period began; a boss counts once per difficulty. */
function bossesKilledSince(encounters: readonly RaidEncounter[], since: number): Map<string, Set<RaidDifficulty>> {
  const byBoss = new Map<string, Set<RaidDifficulty>>();
  for (const e of encounters) {
    if (e.lastKillAt === null || e.lastKillAt < since) continue;
    const boss = `${e.instanceId}/${e.encounterId}`;
    const difficulties = byBoss.get(boss) ?? new Set<RaidDifficulty>();
    difficulties.add(e.difficulty);
    byBoss.set(boss, difficulties);
  }
  return byBoss;
}

/** Distinct bosses per difficulty whose last kill is at or after the period's start. */
export function raidKillsThisWeek(encounters: readonly RaidEncounter[], periodStart: Date): KillsByDifficulty {
  const kills: KillsByDifficulty = { lfr: 0, normal: 0, heroic: 0, mythic: 0 };
  for (const difficulties of bossesKilledSince(encounters, periodStart.getTime()).values()) {
    for (const d of difficulties) kills[d] += 1;
  }
  return kills;
}

/** Mythic+ runs completed in the period. Battle.net lists the best run per dungeon only, so this is a floor. */
export function runsThisWeek(runs: readonly MythicPlusRun[], periodStart: Date): MythicPlusRun[] {
  return runs
    .filter((r) => r.completedAt >= periodStart.getTime())
    .sort((a, b) => b.keystoneLevel - a.keystoneLevel || a.completedAt - b.completedAt);
}

export const RAID_VAULT_THRESHOLDS = [2, 4, 6] as const;
export const DUNGEON_VAULT_THRESHOLDS = [1, 4, 8] as const;

export interface RaidVaultSlot {
  /** Distinct bosses needed. */
  threshold: number;
  unlocked: boolean;
  /** The difficulty of the reward: the threshold-th best boss's highest difficulty this week; null while locked. */
  difficulty: RaidDifficulty | null;
}

export interface DungeonVaultSlot {
  /** Runs needed. */
  threshold: number;
  unlocked: boolean;
  /** The key level of the reward: the threshold-th highest run this week; null while locked. */
  keystoneLevel: number | null;
}

export interface Vault {
  raid: RaidVaultSlot[];
  dungeons: DungeonVaultSlot[];
  /** Delves and world activities: not in Battle.net's data, so unknown rather than zero. */
  world: null;
}

const rank = (d: RaidDifficulty) => RAID_DIFFICULTIES.indexOf(d);

/**
 * Great Vault rows: raid slots at 2/4/6 distinct bosses (each boss at the highest difficulty it was killed on
 * this week), dungeon slots at 1/4/8 runs this week.
 */
export function greatVault(encounters: readonly RaidEncounter[], runs: readonly MythicPlusRun[], periodStart: Date): Vault {
  const best = [...bossesKilledSince(encounters, periodStart.getTime()).values()]
    .map((ds) => [...ds].reduce((a, b) => (rank(b) > rank(a) ? b : a)))
    .sort((a, b) => rank(b) - rank(a));
  const levels = runsThisWeek(runs, periodStart).map((r) => r.keystoneLevel);
  return {
    raid: RAID_VAULT_THRESHOLDS.map((threshold) => ({
      threshold,
      unlocked: best.length >= threshold,
      difficulty: best[threshold - 1] ?? null,
    })),
    dungeons: DUNGEON_VAULT_THRESHOLDS.map((threshold) => ({
      threshold,
      unlocked: levels.length >= threshold,
      keystoneLevel: levels[threshold - 1] ?? null,
    })),
    world: null,
  };
}

/** Unlocked slots of the rows Battle.net's data can tell (raid and dungeons), 0–6. */
export function vaultSlots(vault: Vault): number {
  return [...vault.raid, ...vault.dungeons].filter((s) => s.unlocked).length;
}

/** Distinct bosses killed this week on any difficulty: what the raid row of the vault counts. */
export function distinctBossesThisWeek(encounters: readonly RaidEncounter[], periodStart: Date): number {
  return bossesKilledSince(encounters, periodStart.getTime()).size;
}

/** Per-character values the overview stores with the period they belong to. */
export interface WeeklyActivitySummary {
  periodStart: Date;
  vaultSlots: number;
  raidBosses: number;
  runs: number;
}

export function weeklySummary(raid: RaidActivity, mythicPlus: MythicPlusActivity, periodStart: Date): WeeklyActivitySummary {
  return {
    periodStart,
    vaultSlots: vaultSlots(greatVault(raid.encounters, mythicPlus.runs, periodStart)),
    raidBosses: distinctBossesThisWeek(raid.encounters, periodStart),
    runs: runsThisWeek(mythicPlus.runs, periodStart).length,
  };
}

/** A raid difficulty from Battle.net's `difficulty.type` (LFR, NORMAL, HEROIC, MYTHIC); others are not tracked. */
export function parseRaidDifficulty(type: string): RaidDifficulty | null {
  const lower = type.toLowerCase();
  return (RAID_DIFFICULTIES as readonly string[]).includes(lower) ? (lower as RaidDifficulty) : null;
}

/** When activity was last fetched, and the log-ins around it. */
export interface ActivityFetchState {
  /** The profile's last log-in as last seen; null when Battle.net did not say. */
  lastLoginAt: Date | null;
  /** The last log-in as it was when activity was last fetched successfully. */
  fetchedLoginAt: Date | null;
  fetchedAt: Date | null;
}

/**
 * Activity is worth a request only when there can be something new: never fetched, or the character logged in
 * since the last fetch (nothing is killed or run without logging in). A failed fetch leaves fetchedLoginAt
 * behind, so the next refresh asks again.
 */
export function isActivityDue(s: ActivityFetchState): boolean {
  if (s.fetchedAt === null) return true;
  if (s.lastLoginAt === null) return false;
  return s.fetchedLoginAt === null || s.lastLoginAt.getTime() > s.fetchedLoginAt.getTime();
}

export const EMPTY_ACTIVITY_RAIDS: RaidActivity = Object.freeze({ modes: [], encounters: [] });
export const EMPTY_ACTIVITY_MYTHIC_PLUS: MythicPlusActivity = Object.freeze({ score: null, color: null, runs: [] });
