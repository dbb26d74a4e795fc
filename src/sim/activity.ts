import type { Clock } from '../clock.js';
import { resetPeriodAt } from '../domain/activity.js';
import { DEFAULT_RESETS, MS_PER_WEEK } from '../domain/resets.js';
import { MIDNIGHT_RAID_INSTANCES, RAID_BOSSES } from './catalog.js';
import { Random } from './random.js';
import { LEVEL_CAP, type SimCharacter, type SimWorld } from './world.js';

/**
 * A character's week as Battle.net's Mythic+ and raid endpoints show it. Activity is a weekly routine: each
 * kill and run happens `offsetMs` after the region's reset, every week, but only while the character plays,
 * so nothing is later than its last log-in (a character that has not logged in since has nothing new).
 */

export type SimDifficulty = 'LFR' | 'NORMAL' | 'HEROIC' | 'MYTHIC';

export interface SimKill {
  difficulty: SimDifficulty;
  /** Index into RAID_BOSSES. */
  boss: number;
  /** Time after the region's weekly reset. */
  offsetMs: number;
  /** Killed once, this many weeks before the current one, and not since; absent: killed every week. */
  weeksAgo?: number;
}

export interface SimRun {
  /** Index into DUNGEONS. */
  dungeon: number;
  level: number;
  offsetMs: number;
  inTime?: boolean;
}

export interface SimActivity {
  /** null: the character never ran a key, and Battle.net answers 404 for its Mythic+ profile. */
  mythicPlus: { rating: number; runs: SimRun[] } | null;
  kills: SimKill[];
}


export const DUNGEONS = [
  { id: 558, name: "Magisters' Terrace" },
  { id: 560, name: 'Maisara Caverns' },
  { id: 559, name: 'Nexus-Point Xenas' },
  { id: 557, name: 'Windrunner Spire' },
  { id: 402, name: "Algeth'ar Academy" },
  { id: 239, name: 'Seat of the Triumvirate' },
  { id: 161, name: 'Skyreach' },
  { id: 556, name: 'Pit of Saron' },
] as const;

const DIFFICULTY_NAMES: Record<SimDifficulty, string> = { LFR: 'Raid Finder', NORMAL: 'Normal', HEROIC: 'Heroic', MYTHIC: 'Mythic' };
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Raid nights: the evenings after the reset (US realms' evenings are UTC early mornings). */
const RAID_NIGHTS = [9 * HOUR, DAY + 9 * HOUR, 6 * DAY + 9 * HOUR];
const PERIOD_EPOCH = Date.parse('2020-01-07T15:00:00Z');

/** The character's routine: set by a test, else generated once from the world's seed and the character's id. */
export function activityOf(world: SimWorld, c: SimCharacter): SimActivity {
  c.activity ??= generateActivity(new Random((world.seed * 31 + c.id) >>> 0), c);
  return c.activity;
}

function generateActivity(rng: Random, c: SimCharacter): SimActivity {
  if (c.level < LEVEL_CAP) return { mythicPlus: null, kills: [] };
  const kills: SimKill[] = [];
  const difficulties: SimDifficulty[] = rng.chance(0.15) ? [] : rng.chance(0.4) ? ['NORMAL', 'HEROIC'] : rng.chance(0.3) ? ['HEROIC', 'MYTHIC'] : ['NORMAL'];
  difficulties.forEach((difficulty, tier) => {
    const reach = tier === 0 ? RAID_BOSSES.length : rng.int(1, RAID_BOSSES.length);
    const attends = rng.chance(0.8);
    for (let boss = 0; boss < reach; boss += 1) {
      const night = RAID_NIGHTS[Math.min(RAID_NIGHTS.length - 1, Math.floor((boss * RAID_NIGHTS.length) / reach) + tier)] as number;
      kills.push({ difficulty, boss, offsetMs: night + boss * 20 * 60_000 + rng.int(0, 15) * 60_000, ...(attends ? {} : { weeksAgo: rng.int(1, 3) }) });
    }
  });
  if (rng.chance(0.2)) return { mythicPlus: null, kills };
  const runs: SimRun[] = [];
  const count = rng.int(0, 10);
  for (let i = 0; i < count; i += 1) {
    runs.push({ dungeon: rng.int(0, DUNGEONS.length - 1), level: rng.int(2, 16), offsetMs: rng.int(HOUR, 7 * DAY - HOUR), inTime: rng.chance(0.75) });
  }
  return { mythicPlus: { rating: Math.round(rng.int(800, 3300) * 10 + rng.int(0, 9)) / 10, runs }, kills };
}

/** The latest weekly occurrence of an offset at or before `until`, or null when none falls in the window. */
function lastOccurrence(periodStart: number, offsetMs: number, until: number, weeksAgo: number | undefined): number | null {
  if (weeksAgo !== undefined) {
    const at = periodStart - weeksAgo * MS_PER_WEEK + offsetMs;
    return at <= until ? at : null;
  }
  let at = periodStart + offsetMs;
  while (at > until) at -= MS_PER_WEEK;
  return at;
}

/** What the character has done up to now: nothing after its last log-in. */
function horizon(clock: Clock, c: SimCharacter) {
  const now = clock.now();
  return { until: Math.min(now.getTime(), c.lastLogin), periodStart: resetPeriodAt(now, c.region, DEFAULT_RESETS).startsAt.getTime() };
}

/** Battle.net-like colours of a rating, from grey to orange. */
function ratingColor(rating: number) {
  const steps: Array<[number, [number, number, number]]> = [
    [2500, [255, 128, 0]], [2000, [163, 53, 238]], [1500, [0, 112, 221]], [1000, [30, 255, 0]], [0, [255, 255, 255]],
  ];
  const [, [r, g, b]] = steps.find(([min]) => rating >= min) ?? steps[steps.length - 1]!;
  return { r, g, b, a: 1.0 };
}

type Json = Record<string, unknown>;

export function renderMythicKeystoneProfile(world: SimWorld, clock: Clock, c: SimCharacter, links: { self: string; character: Json }): Json | null {
  const activity = activityOf(world, c);
  if (!activity.mythicPlus) return null;
  const { until, periodStart } = horizon(clock, c);
  const host = `https://${c.region}.api.blizzard.com`;
  const best = new Map<number, { run: SimRun; at: number }>();
  for (const run of activity.mythicPlus.runs) {
    const at = periodStart + run.offsetMs;
    if (at > until) continue;
    const current = best.get(run.dungeon);
    if (!current || run.level > current.run.level) best.set(run.dungeon, { run, at });
  }
  const periodId = 1000 + Math.floor((periodStart - PERIOD_EPOCH) / MS_PER_WEEK);
  const rating = activity.mythicPlus.rating;
  return {
    _links: { self: { href: links.self } },
    current_period: {
      period: { key: { href: `${host}/data/wow/mythic-keystone/period/${periodId}?namespace=dynamic-${c.region}` }, id: periodId },
      best_runs: [...best.values()].map(({ run, at }) => {
        const dungeon = DUNGEONS[run.dungeon] ?? DUNGEONS[0];
        const mapRating = Math.round((run.level * 12.5 + (run.inTime === false ? 0 : 15)) * 10) / 10;
        return {
          completed_timestamp: at,
          duration: 1_500_000 + run.level * 60_000,
          keystone_level: run.level,
          keystone_affixes: [{ key: { href: `${host}/data/wow/keystone-affix/10?namespace=static-${c.region}` }, name: 'Fortified', id: 10 }],
          members: [{ character: links.character, specialization: { id: c.specId, name: c.specName }, equipped_item_level: 0 }],
          dungeon: { key: { href: `${host}/data/wow/mythic-keystone/dungeon/${dungeon.id}?namespace=dynamic-${c.region}` }, name: dungeon.name, id: dungeon.id },
          is_completed_within_time: run.inTime !== false,
          mythic_rating: { color: ratingColor(mapRating), rating: mapRating },
          map_rating: { color: ratingColor(mapRating), rating: mapRating },
        };
      }),
    },
    seasons: [{ key: { href: `${host}/profile/wow/character/${c.realm.slug}/${encodeURIComponent(c.name.toLowerCase())}/mythic-keystone-profile/season/17?namespace=profile-${c.region}` }, id: 17 }],
    character: links.character,
    ...(rating > 0 ? { current_mythic_rating: { color: ratingColor(rating), rating } } : {}),
  };
}

export function renderRaidEncounters(world: SimWorld, clock: Clock, c: SimCharacter, links: { self: string; character: Json }): Json {
  const { until, periodStart } = horizon(clock, c);
  const host = `https://${c.region}.api.blizzard.com`;
  const ref = (path: string) => ({ href: `${host}/data/wow/${path}?namespace=static-${c.region}` });
  // instance → difficulty → boss → last kill
  const seen = new Map<number, Map<SimDifficulty, Map<number, number>>>();
  for (const k of activityOf(world, c).kills) {
    const at = lastOccurrence(periodStart, k.offsetMs, until, k.weeksAgo);
    const boss = RAID_BOSSES[k.boss];
    if (at === null || !boss) continue;
    const modes = seen.get(boss.instance) ?? new Map<SimDifficulty, Map<number, number>>();
    const bosses = modes.get(k.difficulty) ?? new Map<number, number>();
    bosses.set(k.boss, Math.max(bosses.get(k.boss) ?? 0, at));
    modes.set(k.difficulty, bosses);
    seen.set(boss.instance, modes);
  }
  const instances = [...seen.entries()].sort(([a], [b]) => a - b).map(([index, modes]) => {
    const instance = MIDNIGHT_RAID_INSTANCES[index] ?? MIDNIGHT_RAID_INSTANCES[0];
    const total = RAID_BOSSES.filter((b) => b.instance === index).length;
    return {
      instance: { key: ref(`journal-instance/${instance.id}`), name: instance.name, id: instance.id },
      modes: [...modes.entries()].map(([difficulty, bosses]) => ({
        difficulty: { type: difficulty, name: DIFFICULTY_NAMES[difficulty] },
        status: bosses.size >= total ? { type: 'COMPLETE', name: 'Complete' } : { type: 'IN_PROGRESS', name: 'In Progress' },
        progress: {
          completed_count: bosses.size,
          total_count: total,
          encounters: [...bosses.entries()].sort(([a], [b]) => a - b).map(([bossIndex, at]) => {
            const boss = RAID_BOSSES[bossIndex] ?? RAID_BOSSES[0];
            return { encounter: { key: ref(`journal-encounter/${boss.id}`), name: boss.name, id: boss.id }, completed_count: 1 + (bossIndex % 3), last_kill_timestamp: at };
          }),
        },
      })),
    };
  });
  return {
    _links: { self: { href: links.self } },
    character: links.character,
    expansions: instances.length ? [{ expansion: { key: ref('journal-expansion/516'), name: 'Midnight', id: 516 }, instances }] : [],
  };
}
