import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SEASON_AUDIT_RULES, auditGear, gearPriorities, itemLevel } from '../../../src/domain/index.js';
import { loadEquipment } from './sample-equipment.js';

const profile = JSON.parse(
  readFileSync(fileURLToPath(new URL('../../fixtures/upstream/character-profile.json', import.meta.url)), 'utf8'),
) as { equipped_item_level: number };

describe('itemLevel on recorded Battle.net equipment', () => {
  it('matches the profile of a dual-wielding rogue with shirt and tabard', () => {
    const items = loadEquipment('character-equipment.json');
    // 10846 / 16 = 677.875: Battle.net floors it, we keep one decimal.
    expect(itemLevel(items)).to.equal(677.9);
    expect(Math.floor(itemLevel(items))).to.equal(profile.equipped_item_level);
  });

  it('counts a recorded two-handed staff in both hands', () => {
    // 9440 for the 14 other slots + 2 × 684 = 10808; / 16 = 675.5
    expect(itemLevel(loadEquipment('character-equipment-2h.json'))).to.equal(675.5);
  });

  it('counts a recorded Midnight greatsword in both hands', () => {
    // 1678 for the 14 other slots + 2 × 144 = 1966; / 16 = 122.875 → 122.9 (Battle.net would show 122)
    expect(itemLevel(loadEquipment('character-equipment-2h-midnight.json'))).to.equal(122.9);
  });
});

describe('gearPriorities on recorded Battle.net equipment', () => {
  it('orders the rogue\'s slots from the 658 neck to the 730 cloak', () => {
    const priorities = gearPriorities(loadEquipment('character-equipment.json'), 677.9);
    expect(priorities.map((p) => p.slot)).to.deep.equal([
      'neck', 'wrist', 'waist', 'finger_1', 'finger_2',
      'head', 'shoulder', 'chest', 'hands', 'legs', 'feet', 'trinket_1', 'trinket_2', 'main_hand', 'off_hand',
      'back',
    ]);
    expect(priorities[0]).to.deep.equal({
      slot: 'neck',
      itemName: "Algari Competitor's Amulet",
      itemLevel: 658,
      belowAverageBy: 19.9,
      track: null,
    });
    expect(priorities.at(-1)).to.deep.include({ slot: 'back', belowAverageBy: -52.1, track: null });
  });

  it('lists the staff once, in the main hand, and no off hand', () => {
    const priorities = gearPriorities(loadEquipment('character-equipment-2h.json'), 675.5);
    expect(priorities.filter((p) => p.itemName === "Astral Gladiator's Battlestaff")).to.deep.equal([
      { slot: 'main_hand', itemName: "Astral Gladiator's Battlestaff", itemLevel: 684, belowAverageBy: -8.5, track: null },
    ]);
    expect(priorities.map((p) => p.slot)).to.not.include('off_hand');
  });
});

describe('auditGear on recorded Battle.net equipment', () => {
  it('audits the rogue', () => {
    expect(auditGear(loadEquipment('character-equipment.json'), SEASON_AUDIT_RULES)).to.deep.equal({
      missingEnchants: ['head', 'shoulder'],
      emptySockets: 0,
      emptySocketSlots: [],
      // two Sudden Eclipse pieces and two PvP set trinkets
      tierPieces: 4,
      belowQuality: [],
    });
    expect(auditGear(loadEquipment('character-equipment.json'), { ...SEASON_AUDIT_RULES, tierSetIds: [1928] }).tierPieces).to.equal(2);
  });

  it('audits the two-hander once', () => {
    const audit = auditGear(loadEquipment('character-equipment-2h.json'), { ...SEASON_AUDIT_RULES, tierSetIds: [1923] });
    expect(audit).to.deep.equal({
      missingEnchants: ['head', 'shoulder'],
      emptySockets: 0,
      emptySocketSlots: [],
      tierPieces: 4,
      belowQuality: [],
    });
  });
});
