import { expect } from 'chai';
import fc from 'fast-check';
import { GEAR_SLOTS, gearPriorities, trackOf } from '../../../src/domain/index.js';
import { fullGear, gearAt, item } from './build.js';

describe('gearPriorities', () => {
  it('lists all 16 slots, lowest item level first', () => {
    const gear = gearAt(260, { trinket_1: item('trinket_1', 240), neck: item('neck', 250), back: item('back', 270) });
    const slots = gearPriorities(gear, 260).map((p) => p.slot);
    expect(slots).to.have.length(16);
    expect(slots.slice(0, 2)).to.deep.equal(['trinket_1', 'neck']);
    expect(slots.at(-1)).to.equal('back');
  });

  it('breaks ties in the game\'s slot order', () => {
    const slots = gearPriorities(gearAt(260), 260).map((p) => p.slot);
    expect(slots).to.deep.equal([...GEAR_SLOTS]);
  });

  it('puts empty slots first, with no item and level 0', () => {
    const priorities = gearPriorities(gearAt(260, { waist: null, head: null }), 227.5);
    expect(priorities.slice(0, 2)).to.deep.equal([
      { slot: 'head', itemName: null, itemLevel: 0, belowAverageBy: 227.5, track: null },
      { slot: 'waist', itemName: null, itemLevel: 0, belowAverageBy: 227.5, track: null },
    ]);
  });

  it('says how far each slot is below the character, negative when above', () => {
    const gear = gearAt(260, { neck: item('neck', 250.5), back: item('back', 270) });
    const bySlot = new Map(gearPriorities(gear, 260.4).map((p) => [p.slot, p]));
    expect(bySlot.get('neck')?.belowAverageBy).to.equal(9.9);
    expect(bySlot.get('head')?.belowAverageBy).to.equal(0.4);
    expect(bySlot.get('back')?.belowAverageBy).to.equal(-9.6);
  });

  it('lists a two-hander with an empty off hand once, as the main hand', () => {
    const staff = item('main_hand', 250, { name: 'Battlestaff', inventoryType: 'TWOHWEAPON', nameDescription: 'Hero 2/6' });
    const priorities = gearPriorities(gearAt(260, { main_hand: staff, off_hand: null }), 257.5);
    expect(priorities).to.have.length(15);
    expect(priorities.map((p) => p.slot)).to.not.include('off_hand');
    expect(priorities[0]).to.deep.equal({ slot: 'main_hand', itemName: 'Battlestaff', itemLevel: 250, belowAverageBy: 7.5, track: 'Hero 2/6' });
  });

  it('still lists an empty off hand beside a one-hander, and a bow with an off hand item in both slots', () => {
    const sword = item('main_hand', 250, { name: 'Sword', inventoryType: 'WEAPON' });
    expect(gearPriorities(gearAt(260, { main_hand: sword, off_hand: null }), 257.5)[0]).to.deep.include({ slot: 'off_hand', itemLevel: 0 });
    const bow = item('main_hand', 250, { name: 'Bow', inventoryType: 'RANGED' });
    const slots = gearPriorities(gearAt(260, { main_hand: bow }), 257.5).map((p) => p.slot);
    expect(slots).to.have.length(16);
  });

  it('reads each item\'s upgrade track', () => {
    const gear = gearAt(260, { head: item('head', 250, { nameDescription: 'Champion 3/8' }) });
    expect(gearPriorities(gear, 260)[0]).to.deep.include({ slot: 'head', track: 'Champion 3/8' });
  });

  it('is always the 16 slots sorted by non-decreasing item level', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 16, maxLength: 16 }),
        fc.subarray([...GEAR_SLOTS]),
        (levels, emptied) => {
          const gear = fullGear(levels).filter((it) => !emptied.includes(it.slot as never));
          const priorities = gearPriorities(gear, 500);
          const levelsInOrder = priorities.map((p) => p.itemLevel);
          return (
            [...priorities.map((p) => p.slot)].sort().join() === [...GEAR_SLOTS].sort().join() &&
            levelsInOrder.every((level, i) => i === 0 || (levelsInOrder[i - 1] as number) <= level)
          );
        },
      ),
    );
  });
});

describe('trackOf', () => {
  it('reads the track and its rank', () => {
    expect(trackOf('Hero 4/6')).to.equal('Hero 4/6');
    expect(trackOf('Myth 1/6')).to.equal('Myth 1/6');
    expect(trackOf('Adventurer 8/8')).to.equal('Adventurer 8/8');
  });

  it('reads a track without a rank', () => {
    expect(trackOf('Champion')).to.equal('Champion');
    expect(trackOf('Explorer')).to.equal('Explorer');
    expect(trackOf('Veteran')).to.equal('Veteran');
  });

  it('matches any case and capitalises the track', () => {
    expect(trackOf('HERO 4/6')).to.equal('Hero 4/6');
    expect(trackOf('upgrade level: veteran 2 / 8')).to.equal('Veteran 2/8');
  });

  it('finds no track in other descriptions', () => {
    for (const text of ['Rank 6', 'The War Within Season 3', 'Raid Finder', 'Heroic', 'Mythic', 'Mythic+', '']) {
      expect(trackOf(text), text).to.equal(null);
    }
    expect(trackOf(null)).to.equal(null);
  });
});
