import { expect } from 'chai';
import fc from 'fast-check';
import { GEAR_SLOTS, itemLevel, roundTo1, type EquippedItem } from '../../../src/domain/index.js';
import { fullGear, gearAt, item } from './build.js';

describe('itemLevel', () => {
  it('averages all 16 slots to one decimal', () => {
    // 15 × 260 + 270 = 4170; 4170 / 16 = 260.625 → 260.6
    expect(itemLevel(gearAt(260, { trinket_2: item('trinket_2', 270) }))).to.equal(260.6);
  });

  it('rounds a true half up', () => {
    // 14 × 100 + 2 × 101 = 1602; 1602 / 16 = 100.125 → 100.1; 1604 / 16 = 100.25 → 100.3
    expect(itemLevel(gearAt(100, { head: item('head', 101), neck: item('neck', 101) }))).to.equal(100.1);
    expect(itemLevel(gearAt(100, { head: item('head', 102), neck: item('neck', 102) }))).to.equal(100.3);
  });

  it('counts a two-hander with an empty off hand in both hands', () => {
    const staff = item('main_hand', 276, { inventoryType: 'TWOHWEAPON' });
    // 14 × 260 + 2 × 276 = 4192; / 16 = 262
    expect(itemLevel(gearAt(260, { main_hand: staff, off_hand: null }))).to.equal(262);
  });

  it('counts bows, guns and crossbows as two-handed', () => {
    for (const inventoryType of ['RANGED', 'RANGEDRIGHT']) {
      const bow = item('main_hand', 276, { inventoryType });
      expect(itemLevel(gearAt(260, { main_hand: bow, off_hand: null })), inventoryType).to.equal(262);
    }
  });

  it('counts a wand (RANGEDRIGHT, weapon subclass Wand) in one hand only, leaving an empty off hand at 0', () => {
    const wand = item('main_hand', 276, { inventoryType: 'RANGEDRIGHT', itemSubclass: { classId: 2, id: 19, name: 'Wand' } });
    // 14 × 260 + 276 + 0 = 3916; / 16 = 244.75
    expect(itemLevel(gearAt(260, { main_hand: wand, off_hand: null }))).to.equal(244.8);
    // Told by the subclass id alone, or by its name alone.
    const byId = item('main_hand', 276, { inventoryType: 'RANGEDRIGHT', itemSubclass: { classId: 2, id: 19, name: null } });
    const byName = item('main_hand', 276, { inventoryType: 'RANGEDRIGHT', itemSubclass: { classId: null, id: 0, name: 'Wand' } });
    for (const w of [byId, byName]) expect(itemLevel(gearAt(260, { main_hand: w, off_hand: null }))).to.equal(244.8);
    // A gun and a crossbow share the inventory type and still fill both hands.
    for (const [id, name] of [[3, 'Gun'], [18, 'Crossbow']] as const) {
      const ranged = item('main_hand', 276, { inventoryType: 'RANGEDRIGHT', itemSubclass: { classId: 2, id, name } });
      expect(itemLevel(gearAt(260, { main_hand: ranged, off_hand: null })), name).to.equal(262);
    }
  });

  it('counts a main hand and an off hand once each', () => {
    const gear = gearAt(260, { main_hand: item('main_hand', 276), off_hand: item('off_hand', 244, { inventoryType: 'HOLDABLE' }) });
    expect(itemLevel(gear)).to.equal(260);
  });

  it('counts a two-hander once when the off hand is also filled (Titan\'s Grip)', () => {
    const gear = gearAt(260, {
      main_hand: item('main_hand', 276, { inventoryType: 'TWOHWEAPON' }),
      off_hand: item('off_hand', 244, { inventoryType: 'TWOHWEAPON' }),
    });
    expect(itemLevel(gear)).to.equal(260);
  });

  it('leaves a one-hander with an empty off hand at 0 for the off hand', () => {
    // 15 × 256 = 3840; / 16 = 240
    expect(itemLevel(gearAt(256, { off_hand: null }))).to.equal(240);
  });

  it('counts empty slots as 0', () => {
    const gear = [item('head', 160), item('chest', 160)];
    expect(itemLevel(gear)).to.equal(20);
  });

  it('ignores shirt, tabard and unknown slots', () => {
    const gear = [...gearAt(250), item('shirt', 1), item('tabard', 1), item('ranged', 900)];
    expect(itemLevel(gear)).to.equal(250);
  });

  it('keeps the first item when a slot is listed twice', () => {
    expect(itemLevel([...gearAt(250), item('head', 410)])).to.equal(250);
  });

  it('accepts upper-case slot names', () => {
    expect(itemLevel(gearAt(250).map((it) => ({ ...it, slot: it.slot.toUpperCase() })))).to.equal(250);
  });

  it('is 0 without items', () => {
    expect(itemLevel([])).to.equal(0);
  });

  it('lies between the lowest and highest item when all 16 slots hold one-handers', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: 16, maxLength: 16 }), (levels) => {
        const ilvl = itemLevel(fullGear(levels));
        return ilvl >= Math.min(...levels) && ilvl <= Math.max(...levels);
      }),
    );
  });

  it('never drops when an item is replaced by a higher one, two-handers included', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 16, maxLength: 16 }),
        fc.nat({ max: 15 }),
        fc.integer({ min: 0, max: 500 }),
        fc.boolean(),
        (levels, index, raise, twoHanded) => {
          const before = fullGear(levels);
          if (twoHanded) {
            before.pop();
            before[14] = { ...(before[14] as EquippedItem), inventoryType: 'TWOHWEAPON' };
          }
          const raised = index % before.length;
          const after = before.map((it, i) => (i === raised ? { ...it, itemLevel: it.itemLevel + raise } : it));
          return itemLevel(after) >= itemLevel(before);
        },
      ),
    );
  });

  it('uses exactly the 16 gear slots', () => {
    expect(GEAR_SLOTS).to.have.length(16);
  });
});

describe('roundTo1', () => {
  it('rounds halves away from zero on the intended decimal value', () => {
    expect(roundTo1(677.875)).to.equal(677.9);
    expect(roundTo1(260.45)).to.equal(260.5);
    expect(roundTo1(1.05)).to.equal(1.1);
    expect(roundTo1(-4.65)).to.equal(-4.7);
    expect(roundTo1(260.4 - 265)).to.equal(-4.6);
  });

  it('never returns negative zero', () => {
    expect(Object.is(roundTo1(-0.04), 0)).to.equal(true);
  });

  it('passes non-finite numbers through', () => {
    expect(roundTo1(Number.POSITIVE_INFINITY)).to.equal(Number.POSITIVE_INFINITY);
    expect(roundTo1(Number.NaN)).to.be.NaN;
  });
});
