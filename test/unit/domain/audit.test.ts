import { expect } from 'chai';
import { SEASON_AUDIT_RULES, auditGear, auditRulesFor, type AuditRules, type EquippedItem } from '../../../src/domain/index.js';
import { gearAt, item } from './build.js';

const ENCHANT = [7364];

/** Every slot at 260 and every enchantable one enchanted, then the changes a case is about. */
function enchantedGear(except: Parameters<typeof gearAt>[1] = {}): EquippedItem[] {
  return gearAt(260, except).map((it) =>
    SEASON_AUDIT_RULES.enchantableSlots.includes(it.slot as never) && !(it.slot in except) ? { ...it, enchantmentIds: ENCHANT } : it,
  );
}

describe('auditGear', () => {
  it('finds nothing wrong with fully enchanted, gemmed epic gear', () => {
    expect(auditGear(enchantedGear(), SEASON_AUDIT_RULES)).to.deep.equal({
      missingEnchants: [],
      emptySockets: 0,
      emptySocketSlots: [],
      tierPieces: 0,
      belowQuality: [],
    });
  });

  it('lists enchantable slots without an enchant, in slot order', () => {
    const gear = enchantedGear({ feet: item('feet', 260), head: item('head', 260), neck: item('neck', 260) });
    expect(auditGear(gear, SEASON_AUDIT_RULES).missingEnchants).to.deep.equal(['head', 'feet']);
  });

  it('expects an off-hand enchant only on an off-hand weapon', () => {
    for (const inventoryType of ['WEAPON', 'WEAPONOFFHAND', 'WEAPONMAINHAND']) {
      const gear = enchantedGear({ off_hand: item('off_hand', 260, { inventoryType }) });
      expect(auditGear(gear, SEASON_AUDIT_RULES).missingEnchants, inventoryType).to.deep.equal(['off_hand']);
    }
    for (const inventoryType of ['SHIELD', 'HOLDABLE']) {
      const gear = enchantedGear({ off_hand: item('off_hand', 260, { inventoryType }) });
      expect(auditGear(gear, SEASON_AUDIT_RULES).missingEnchants, inventoryType).to.deep.equal([]);
    }
  });

  it('does not count empty slots as missing enchants', () => {
    const gear = enchantedGear({ head: null, off_hand: null, finger_2: null });
    expect(auditGear(gear, SEASON_AUDIT_RULES).missingEnchants).to.deep.equal([]);
  });

  it('audits a two-hander once, not again for the empty off hand', () => {
    const staff = item('main_hand', 260, { inventoryType: 'TWOHWEAPON', sockets: [null], setId: 9 });
    const audit = auditGear(enchantedGear({ main_hand: staff, off_hand: null }), SEASON_AUDIT_RULES);
    expect(audit.missingEnchants).to.deep.equal(['main_hand']);
    expect(audit.emptySockets).to.equal(1);
    expect(audit.tierPieces).to.equal(1);
  });

  it('counts empty sockets and the slots that have them', () => {
    const gear = enchantedGear({
      neck: item('neck', 260, { sockets: [null, 213497] }),
      finger_1: item('finger_1', 260, { sockets: [null, null], enchantmentIds: ENCHANT }),
      head: item('head', 260, { sockets: [213497], enchantmentIds: ENCHANT }),
    });
    const audit = auditGear(gear, SEASON_AUDIT_RULES);
    expect(audit.emptySockets).to.equal(3);
    expect(audit.emptySocketSlots).to.deep.equal(['neck', 'finger_1']);
  });

  it('counts every set piece as tier when the season lists no tier sets', () => {
    const gear = enchantedGear({
      hands: item('hands', 260, { setId: 1928 }),
      legs: item('legs', 260, { setId: 1928, enchantmentIds: ENCHANT }),
      trinket_1: item('trinket_1', 260, { setId: 1458 }),
    });
    expect(auditGear(gear, SEASON_AUDIT_RULES).tierPieces).to.equal(3);
    const rules: AuditRules = { ...SEASON_AUDIT_RULES, tierSetIds: [1928] };
    expect(auditGear(gear, rules).tierPieces).to.equal(2);
  });

  it('flags items below the minimum quality', () => {
    const gear = enchantedGear({
      waist: item('waist', 260, { quality: 'RARE' }),
      neck: item('neck', 260, { quality: 'UNCOMMON' }),
      back: item('back', 260, { quality: 'LEGENDARY', enchantmentIds: ENCHANT }),
      trinket_2: item('trinket_2', 260, { quality: 'ARTIFACT' }),
    });
    expect(auditGear(gear, SEASON_AUDIT_RULES).belowQuality).to.deep.equal(['neck', 'waist']);
  });

  it('ignores shirt and tabard', () => {
    const gear = [...enchantedGear(), item('shirt', 1, { quality: 'COMMON', sockets: [null], setId: 3 }), item('tabard', 1)];
    expect(auditGear(gear, SEASON_AUDIT_RULES)).to.deep.include({ emptySockets: 0, tierPieces: 0, belowQuality: [] });
  });

  it('follows the enchantable slots it is given', () => {
    const rules: AuditRules = { enchantableSlots: ['wrist', 'neck'], minimumQuality: 'RARE' };
    expect(auditGear(gearAt(260), rules).missingEnchants).to.deep.equal(['neck', 'wrist']);
  });
});

describe('auditRulesFor', () => {
  it('gives the Midnight Season 1 rules for Midnight, in any case', () => {
    expect(auditRulesFor('Midnight')).to.equal(SEASON_AUDIT_RULES);
    expect(auditRulesFor(' midnight ')).to.equal(SEASON_AUDIT_RULES);
  });

  it('falls back to the current season for an expansion without rules', () => {
    expect(auditRulesFor('The Last Titan')).to.equal(SEASON_AUDIT_RULES);
  });

  it('has the Midnight enchantable slots and epic minimum', () => {
    expect(SEASON_AUDIT_RULES.enchantableSlots).to.deep.equal([
      'head', 'shoulder', 'back', 'chest', 'wrist', 'legs', 'feet', 'finger_1', 'finger_2', 'main_hand', 'off_hand',
    ]);
    expect(SEASON_AUDIT_RULES.minimumQuality).to.equal('EPIC');
    expect(Object.isFrozen(SEASON_AUDIT_RULES.enchantableSlots)).to.equal(true);
  });
});
