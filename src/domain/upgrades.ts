import { roundTo1 } from './item-level.js';
import { GEAR_SLOTS, type GearSlot } from './types.js';

/** One upgrade track of a season: the item level of each of its ranks, rank 1 first. */
export interface UpgradeTrack {
  name: string;
  itemLevels: number[];
}

/** A season's upgrade tracks, held as data like the season plan. */
export interface TrackTable {
  expansion: string;
  season: string;
  tracks: UpgradeTrack[];
}

const ladder = (name: string, first: number, ranks: number, step = 3): UpgradeTrack =>
  Object.freeze({ name, itemLevels: Object.freeze(Array.from({ length: ranks }, (_, i) => first + step * i)) as number[] });

/**
 * Midnight Season 1 on the same item-level scale as the default season plan (three item levels a rank): the
 * tracks overlap so that the top of one is above the bottom of the next, and the plan's last target (289) sits
 * on the Myth track. Frozen because every caller shares it.
 */
export const DEFAULT_TRACK_TABLE: TrackTable = Object.freeze({
  expansion: 'Midnight',
  season: 'Season 1',
  tracks: Object.freeze([
    ladder('Explorer', 217, 8),
    ladder('Adventurer', 230, 8),
    ladder('Veteran', 243, 8),
    ladder('Champion', 256, 8),
    ladder('Hero', 269, 6),
    ladder('Myth', 282, 6),
  ]) as UpgradeTrack[],
});

const TABLES_BY_EXPANSION: ReadonlyMap<string, TrackTable> = new Map([['midnight', DEFAULT_TRACK_TABLE]]);

/**
 * The track table of an expansion: an operator's table for it when one is given, else the built-in one; an
 * expansion without a table of its own uses the current season's.
 */
export function trackTableFor(expansion: string, override: TrackTable | null = null): TrackTable {
  const key = expansion.trim().toLowerCase();
  if (override && override.expansion.trim().toLowerCase() === key) return override;
  return TABLES_BY_EXPANSION.get(key) ?? DEFAULT_TRACK_TABLE;
}

/** Why a value cannot be a track table; empty when it can. Item levels must rise with every rank. */
export function trackTableProblems(table: TrackTable): string[] {
  const problems: string[] = [];
  if (table.tracks.length === 0) problems.push('tracks: at least one track is needed');
  const seen = new Set<string>();
  table.tracks.forEach((track, i) => {
    const key = track.name.trim().toLowerCase();
    if (key === '') problems.push(`tracks.${i}.name: must not be empty`);
    if (seen.has(key)) problems.push(`tracks.${i}.name: ${track.name} is listed twice`);
    seen.add(key);
    if (track.itemLevels.length === 0) problems.push(`tracks.${i}.itemLevels: at least one rank is needed`);
    track.itemLevels.forEach((level, r) => {
      if (!Number.isFinite(level) || level <= 0) problems.push(`tracks.${i}.itemLevels.${r}: must be a positive number`);
      else if (r > 0 && level <= (track.itemLevels[r - 1] as number)) problems.push(`tracks.${i}.itemLevels.${r}: must be above the rank before`);
    });
  });
  return problems;
}

export interface TrackRank {
  name: string;
  rank: number;
  max: number;
}

const TRACK_RANK = /^\s*([A-Za-z]+)\s+(\d+)\s*\/\s*(\d+)\s*$/;

/** "Champion 3/8" (the track as the worker stores it) as a name, rank and number of ranks. */
export function parseTrackRank(track: string | null): TrackRank | null {
  const match = track === null ? null : TRACK_RANK.exec(track);
  if (!match) return null;
  const rank = Number(match[2]);
  const max = Number(match[3]);
  if (rank < 1 || rank > max) return null;
  return { name: match[1] as string, rank, max };
}

/** An item as it counts in the average: its slot, item level, track and how many of the 16 slots it fills. */
export interface UpgradePiece {
  slot: GearSlot;
  itemLevel: number;
  /** "Champion 3/8", or null (crafted, empty or an item without a track). */
  track: string | null;
  /** 2 for a two-hander that also fills the off hand (it counts twice in the average), else 1. */
  weight: number;
}

export interface UpgradeStep {
  slot: GearSlot;
  track: string;
  fromRank: number;
  toRank: number;
  maxRank: number;
  fromIlvl: number;
  toIlvl: number;
  /** The item's own gain. */
  ilvlGain: number;
  /** What the step adds to the 16-slot average (a two-hander's gain counts twice). */
  averageGain: number;
  /** The character's item level once this step and every one before it are done, one decimal. */
  averageAfter: number;
}

export interface UpgradePlan {
  targetIlvl: number;
  currentIlvl: number;
  /** Whether upgrading what is worn can reach the target at all. */
  reachable: boolean;
  /**
   * The fewest upgrades (one rank each) that reach the target, in the order that raises the average fastest;
   * when the target is out of reach, every upgrade left.
   */
  steps: UpgradeStep[];
  ilvlAfter: number;
}

const SLOTS = GEAR_SLOTS.length;

/** The same rule as the character's item level and status: average over 16 slots to one decimal, then the gap. */
const meets = (sum: number, target: number) => roundTo1(roundTo1(sum / SLOTS) - target) >= 0;

interface Upgradable {
  piece: UpgradePiece;
  track: TrackRank;
  /** Item level after n more ranks, n = 0..remaining, relative to the worn item's own level. */
  levels: number[];
}

function upgradable(piece: UpgradePiece, table: TrackTable): Upgradable | null {
  const track = parseTrackRank(piece.track);
  if (!track) return null;
  const row = table.tracks.find((t) => t.name.toLowerCase() === track.name.toLowerCase());
  // An item of another season's table (a different number of ranks) cannot be planned with this one.
  if (!row || row.itemLevels.length !== track.max) return null;
  const base = row.itemLevels[track.rank - 1] as number;
  const levels = row.itemLevels.slice(track.rank - 1).map((level) => piece.itemLevel + (level - base));
  return { piece, track: { ...track, name: row.name }, levels };
}

/**
 * The shortest ordered list of one-rank upgrades of the worn items that brings the item level to the target,
 * never past a track's last rank. Fewest steps is a group knapsack: for every number of steps k, the largest
 * gain k steps can buy, each item's ranks taken in order; the first k whose gain reaches the target is the
 * answer. The steps are then ordered largest average gain first (ties: the weaker item, then the game's slot
 * order), each item's ranks in order.
 */
export function upgradePlan(pieces: readonly UpgradePiece[], table: TrackTable, targetIlvl: number): UpgradePlan {
  const sum = pieces.reduce((total, p) => total + p.itemLevel * p.weight, 0);
  const currentIlvl = roundTo1(sum / SLOTS);
  // Among equally short plans the knapsack keeps the one that upgrades the items it meets last, so the items go
  // in strongest first: a tie goes to the weaker item (then the earlier slot), whatever order the gear came in.
  const items = pieces
    .map((p) => upgradable(p, table))
    .filter((u): u is Upgradable => u !== null && u.levels.length > 1)
    .sort((a, b) => b.piece.itemLevel - a.piece.itemLevel || GEAR_SLOTS.indexOf(b.piece.slot) - GEAR_SLOTS.indexOf(a.piece.slot));

  // best[k]: the largest weighted gain with exactly k steps; picks[i][k]: the ranks item i takes in it.
  let best: number[] = [0];
  const picks: number[][] = [];
  for (const item of items) {
    const remaining = item.levels.length - 1;
    const next = Array<number>(best.length + remaining).fill(Number.NEGATIVE_INFINITY);
    const choice = Array<number>(next.length).fill(0);
    best.forEach((gain, k) => {
      for (let n = 0; n <= remaining; n += 1) {
        const total = gain + item.piece.weight * ((item.levels[n] as number) - (item.levels[0] as number));
        if (total > (next[k + n] as number)) {
          next[k + n] = total;
          choice[k + n] = n;
        }
      }
    });
    best = next;
    picks.push(choice);
  }
  let steps = best.findIndex((gain) => meets(sum + gain, targetIlvl));
  const reachable = steps >= 0;
  if (!reachable) steps = best.length - 1;

  const taken = Array<number>(items.length).fill(0);
  for (let i = items.length - 1, k = steps; i >= 0; i -= 1) {
    taken[i] = picks[i]?.[k] ?? 0;
    k -= taken[i] as number;
  }
  return { targetIlvl, currentIlvl, reachable, steps: orderSteps(items, taken, sum), ilvlAfter: roundTo1((sum + weightedGain(items, taken)) / SLOTS) };
}

function weightedGain(items: readonly Upgradable[], taken: readonly number[]): number {
  return items.reduce((total, item, i) => total + item.piece.weight * ((item.levels[taken[i] as number] as number) - (item.levels[0] as number)), 0);
}

function orderSteps(items: readonly Upgradable[], taken: readonly number[], startSum: number): UpgradeStep[] {
  const done = Array<number>(items.length).fill(0);
  const slotOrder = (slot: GearSlot) => GEAR_SLOTS.indexOf(slot);
  const ordered: UpgradeStep[] = [];
  let sum = startSum;
  for (;;) {
    let pick = -1;
    for (let i = 0; i < items.length; i += 1) {
      if ((done[i] as number) >= (taken[i] as number)) continue;
      if (pick < 0 || better(items, done, i, pick, slotOrder)) pick = i;
    }
    if (pick < 0) return ordered;
    const item = items[pick] as Upgradable;
    const n = done[pick] as number;
    const fromIlvl = item.levels[n] as number;
    const toIlvl = item.levels[n + 1] as number;
    const averageGain = (item.piece.weight * (toIlvl - fromIlvl)) / SLOTS;
    sum += item.piece.weight * (toIlvl - fromIlvl);
    ordered.push({
      slot: item.piece.slot,
      track: item.track.name,
      fromRank: item.track.rank + n,
      toRank: item.track.rank + n + 1,
      maxRank: item.track.max,
      fromIlvl,
      toIlvl,
      ilvlGain: toIlvl - fromIlvl,
      averageGain,
      averageAfter: roundTo1(sum / SLOTS),
    });
    done[pick] = n + 1;
  }
}

function better(items: readonly Upgradable[], done: readonly number[], a: number, b: number, slotOrder: (slot: GearSlot) => number): boolean {
  const gainOf = (i: number) => {
    const item = items[i] as Upgradable;
    const n = done[i] as number;
    return item.piece.weight * ((item.levels[n + 1] as number) - (item.levels[n] as number));
  };
  const levelOf = (i: number) => (items[i] as Upgradable).levels[done[i] as number] as number;
  const ga = gainOf(a);
  const gb = gainOf(b);
  if (ga !== gb) return ga > gb;
  if (levelOf(a) !== levelOf(b)) return levelOf(a) < levelOf(b);
  return slotOrder((items[a] as Upgradable).piece.slot) < slotOrder((items[b] as Upgradable).piece.slot);
}

/**
 * The pieces of a stored projection: its gear priorities (every slot that counts, a two-hander that also fills
 * the off hand listed once, in the main hand) with the main hand counted twice when the off hand is not listed.
 */
export function piecesFromPriorities(priorities: ReadonlyArray<{ slot: string; ilvl: number; track: string | null }>): UpgradePiece[] {
  const slots = new Set(priorities.map((p) => p.slot));
  const twoHander = slots.has('main_hand') && !slots.has('off_hand');
  return priorities
    .filter((p): p is { slot: GearSlot; ilvl: number; track: string | null } => (GEAR_SLOTS as readonly string[]).includes(p.slot))
    .map((p) => ({ slot: p.slot, itemLevel: p.ilvl, track: p.track, weight: twoHander && p.slot === 'main_hand' ? 2 : 1 }));
}
