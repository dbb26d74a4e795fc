import { expect } from 'chai';
import fc from 'fast-check';
import {
  DEFAULT_TRACK_TABLE, GEAR_SLOTS, parseTrackRank, piecesFromPriorities, roundTo1, trackTableFor, trackTableProblems, upgradePlan,
  type GearSlot, type TrackTable, type UpgradePiece,
} from '../../../src/domain/index.js';

/** Every slot at `level` without a track, except the pieces given. */
function gear(level: number, pieces: Array<Omit<UpgradePiece, 'weight'> & { weight?: number }>): UpgradePiece[] {
  const bySlot = new Map(pieces.map((p) => [p.slot, { weight: 1, ...p }]));
  const twoHander = pieces.some((p) => p.weight === 2);
  return GEAR_SLOTS.filter((slot) => !(twoHander && slot === 'off_hand')).map((slot) => bySlot.get(slot) ?? { slot, itemLevel: level, track: null, weight: 1 });
}

const meets = (pieces: UpgradePiece[], gains: number, target: number) =>
  roundTo1(roundTo1((pieces.reduce((s, p) => s + p.itemLevel * p.weight, 0) + gains) / 16) - target) >= 0;

/** A random table: a few tracks with rising item levels, steps of 2 to 7. */
const tableArb: fc.Arbitrary<TrackTable> = fc
  .array(fc.tuple(fc.integer({ min: 200, max: 280 }), fc.array(fc.integer({ min: 2, max: 7 }), { minLength: 1, maxLength: 5 })), { minLength: 1, maxLength: 3 })
  .map((tracks) => ({
    expansion: 'Test',
    season: 'Random',
    tracks: tracks.map(([first, steps], i) => ({ name: `Track${i}`, itemLevels: steps.reduce((levels, s) => [...levels, levels.at(-1)! + s], [first]) })),
  }));

/** A table with up to four worn pieces on its tracks (possibly a two-hander), the rest of the gear flat. */
const caseArb = tableArb.chain((table) =>
  fc
    .tuple(
      fc.uniqueArray(fc.constantFrom<GearSlot>('head', 'chest', 'legs', 'main_hand', 'trinket_1', 'wrist'), { minLength: 1, maxLength: 4 }),
      fc.array(fc.tuple(fc.nat(), fc.nat(), fc.integer({ min: -3, max: 3 })), { minLength: 4, maxLength: 4 }),
      fc.boolean(),
      fc.integer({ min: 200, max: 280 }),
      fc.integer({ min: -20, max: 60 }),
    )
    .map(([slots, picks, twoHander, flat, above]) => {
      const worn = slots.map((slot, i) => {
        const [t, r, offset] = picks[i]!;
        const track = table.tracks[t % table.tracks.length]!;
        const rank = (r % track.itemLevels.length) + 1;
        return {
          slot,
          itemLevel: track.itemLevels[rank - 1]! + offset,
          track: `${track.name} ${rank}/${track.itemLevels.length}`,
          weight: twoHander && slot === 'main_hand' ? 2 : 1,
        };
      });
      const pieces = gear(flat, worn);
      const current = roundTo1(pieces.reduce((s, p) => s + p.itemLevel * p.weight, 0) / 16);
      return { table, pieces, target: roundTo1(current + above / 10) };
    }),
);

/** The fewest steps by trying every combination of ranks: the answer upgradePlan must match. */
function bruteForceFewest(table: TrackTable, pieces: UpgradePiece[], target: number): number | null {
  const options = pieces.flatMap((p) => {
    const t = parseTrackRank(p.track);
    const row = t && table.tracks.find((x) => x.name === t.name);
    if (!t || !row || row.itemLevels.length !== t.max) return [];
    const base = row.itemLevels[t.rank - 1]!;
    return [row.itemLevels.slice(t.rank - 1).map((l) => p.weight * (l - base))];
  });
  let fewest: number | null = null;
  const walk = (i: number, steps: number, gain: number) => {
    if (i === options.length) {
      if (meets(pieces, gain, target) && (fewest === null || steps < fewest)) fewest = steps;
      return;
    }
    options[i]!.forEach((g, n) => walk(i + 1, steps + n, gain + g));
  };
  walk(0, 0, 0);
  return fewest;
}

describe('upgrade plan', () => {
  it('reads a track and rank as the worker stores it', () => {
    expect(parseTrackRank('Champion 3/8')).to.deep.equal({ name: 'Champion', rank: 3, max: 8 });
    expect(parseTrackRank('Hero 6/6')).to.deep.equal({ name: 'Hero', rank: 6, max: 6 });
    for (const bad of [null, 'Champion', 'Hero 7/6', 'Hero 0/6', 'Rank 6', '']) expect(parseTrackRank(bad), String(bad)).to.equal(null);
  });

  it('holds the season table as data, checked like a plan', () => {
    expect(trackTableProblems(DEFAULT_TRACK_TABLE)).to.deep.equal([]);
    expect(trackTableFor('midnight')).to.equal(DEFAULT_TRACK_TABLE);
    expect(trackTableFor('The Next One')).to.equal(DEFAULT_TRACK_TABLE);
    expect(DEFAULT_TRACK_TABLE.tracks.find((t) => t.name === 'Champion')!.itemLevels).to.deep.equal([256, 259, 262, 265, 268, 271, 274, 277]);
    expect(trackTableProblems({ expansion: 'x', season: 'y', tracks: [{ name: 'A', itemLevels: [10, 10] }, { name: 'a', itemLevels: [] }] })).to.deep.equal([
      'tracks.0.itemLevels.1: must be above the rank before',
      'tracks.1.name: a is listed twice',
      'tracks.1.itemLevels: at least one rank is needed',
    ]);
  });

  it('picks the fewest upgrades, biggest average gain first, and says what each adds', () => {
    // 13 slots at 260, a Champion 3/8 head at 262 and a Hero 3/6 two-hander at 275: the target needs 8 more in the sum.
    const pieces = gear(260, [
      { slot: 'head', itemLevel: 262, track: 'Champion 3/8' },
      { slot: 'main_hand', itemLevel: 275, track: 'Hero 3/6', weight: 2 },
    ]);
    const plan = upgradePlan(pieces, DEFAULT_TRACK_TABLE, roundTo1((260 * 13 + 262 + 275 * 2 + 8) / 16));
    expect(plan.reachable).to.equal(true);
    // A two-hander's rank adds 6 to the sum (3 in each hand): two of them beat three head ranks.
    expect(plan.steps.map((s) => [s.slot, `${s.track} ${s.fromRank}/${s.maxRank}`, s.toRank, s.fromIlvl, s.toIlvl, s.ilvlGain, s.averageGain])).to.deep.equal([
      ['main_hand', 'Hero 3/6', 4, 275, 278, 3, 0.375],
      ['main_hand', 'Hero 4/6', 5, 278, 281, 3, 0.375],
    ]);
    expect(plan.steps.at(-1)!.averageAfter).to.equal(plan.ilvlAfter);
    expect(upgradePlan(pieces, DEFAULT_TRACK_TABLE, 200)).to.deep.include({ reachable: true, steps: [] });
  });

  it('lists every upgrade left when the target is out of reach, and never a rank past the last', () => {
    const pieces = gear(260, [{ slot: 'head', itemLevel: 280, track: 'Hero 5/6' }]);
    const plan = upgradePlan(pieces, DEFAULT_TRACK_TABLE, 300);
    expect(plan.reachable).to.equal(false);
    expect(plan.steps.map((s) => [s.slot, s.fromRank, s.toRank])).to.deep.equal([['head', 5, 6]]);
    // Items without a track, or on a track of another table, are not upgraded.
    const foreign = gear(260, [{ slot: 'head', itemLevel: 250, track: 'Champion 2/6' }, { slot: 'neck', itemLevel: 250, track: null }]);
    expect(upgradePlan(foreign, DEFAULT_TRACK_TABLE, 300).steps).to.deep.equal([]);
  });

  it('gives the same plan whatever order the gear comes in, a tie going to the weaker item', () => {
    const pieces = gear(260, [
      { slot: 'head', itemLevel: 262, track: 'Champion 3/8' },
      { slot: 'back', itemLevel: 259, track: 'Champion 2/8' },
      { slot: 'hands', itemLevel: 262, track: 'Champion 3/8' },
    ]);
    const target = roundTo1((260 * 13 + 262 + 259 + 262 + 6) / 16);
    const plan = upgradePlan(pieces, DEFAULT_TRACK_TABLE, target);
    expect(plan.steps.map((s) => [s.slot, s.toRank])).to.deep.equal([['back', 3], ['back', 4]]);
    expect(upgradePlan([...pieces].reverse(), DEFAULT_TRACK_TABLE, target)).to.deep.equal(plan);
  });

  it('counts a two-hander listed once in the main hand twice', () => {
    const pieces = piecesFromPriorities([
      ...GEAR_SLOTS.filter((s) => s !== 'main_hand' && s !== 'off_hand').map((slot) => ({ slot, ilvl: 260, track: null })),
      { slot: 'main_hand', ilvl: 262, track: 'Champion 3/8' },
    ]);
    expect(pieces.find((p) => p.slot === 'main_hand')!.weight).to.equal(2);
    expect(upgradePlan(pieces, DEFAULT_TRACK_TABLE, 260).currentIlvl).to.equal(roundTo1((260 * 14 + 262 * 2) / 16));
  });

  it('reaches the target when it can, with no shorter list able to, never past a last rank (property)', () => {
    fc.assert(
      fc.property(caseArb, ({ table, pieces, target }) => {
        const plan = upgradePlan(pieces, table, target);
        expect(upgradePlan([...pieces].reverse(), table, target), 'the order the gear comes in').to.deep.equal(plan);
        const fewest = bruteForceFewest(table, pieces, target);
        expect(plan.reachable).to.equal(fewest !== null);
        const gained = plan.steps.reduce((sum, s) => sum + s.averageGain * 16, 0);
        if (fewest !== null) {
          expect(meets(pieces, gained, target), 'the steps reach the target').to.equal(true);
          expect(plan.steps).to.have.length(fewest);
        }
        const bySlot = new Map<string, number>();
        for (const step of plan.steps) {
          expect(step.toRank).to.be.at.most(step.maxRank);
          expect(step.toRank).to.equal(step.fromRank + 1);
          const worn = parseTrackRank(pieces.find((p) => p.slot === step.slot)!.track)!;
          // Each item's ranks in order, from the one it has.
          expect(step.fromRank).to.equal(bySlot.get(step.slot) ?? worn.rank);
          bySlot.set(step.slot, step.toRank);
          expect(step.ilvlGain).to.be.greaterThan(0);
        }
        expect(plan.ilvlAfter).to.equal(roundTo1((pieces.reduce((s, p) => s + p.itemLevel * p.weight, 0) + gained) / 16));
        if (fewest === null) {
          // Out of reach: every item on the table is taken to its last rank.
          for (const p of pieces) {
            const t = parseTrackRank(p.track);
            const row = t && table.tracks.find((x) => x.name === t.name);
            if (t && row && row.itemLevels.length === t.max) expect(bySlot.get(p.slot) ?? t.rank, p.slot).to.equal(t.max);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
