import { wornGear } from './gear.js';
import { GEAR_SLOTS, QUALITIES, type EquippedItem, type GearSlot, type Quality } from './types.js';

export interface AuditRules {
  /** Slots that take a permanent enchant this season. */
  enchantableSlots: GearSlot[];
  /** Items below this quality are flagged. */
  minimumQuality: Quality;
  /** The season's tier-set ids; without it every item set counts as tier. */
  tierSetIds?: number[];
}

export interface GearAudit {
  missingEnchants: GearSlot[];
  emptySockets: number;
  emptySocketSlots: GearSlot[];
  tierPieces: number;
  belowQuality: GearSlot[];
}

/**
 * Midnight Season 1. Head and shoulder enchants are back and sit beside the usual ones. The off hand is listed
 * because a dual-wielder's second weapon takes an enchant; a shield or held-in-off-hand item does not, which
 * auditGear handles by only expecting enchants on weapons in the hand slots. The season's tier-set ids are not
 * known yet, so every item set counts (PvP sets included).
 */
export const SEASON_AUDIT_RULES: AuditRules = Object.freeze({
  enchantableSlots: Object.freeze([
    'head', 'shoulder', 'back', 'chest', 'wrist', 'legs', 'feet', 'finger_1', 'finger_2', 'main_hand', 'off_hand',
  ]) as GearSlot[],
  minimumQuality: 'EPIC',
});

/**
 * What an officer filters the roster on: a missing enchant, an empty socket, or fewer than the 4 tier pieces
 * that give a set's full bonus.
 */
export const AUDIT_FILTERS = ['missing_enchants', 'empty_sockets', 'tier_lt_4'] as const;
export type AuditFilter = (typeof AUDIT_FILTERS)[number];

const RULES_BY_EXPANSION: ReadonlyMap<string, AuditRules> = new Map([['midnight', SEASON_AUDIT_RULES]]);

/** The audit rules of an expansion; one without rules of its own is audited by the current season's. */
export function auditRulesFor(expansion: string): AuditRules {
  return RULES_BY_EXPANSION.get(expansion.trim().toLowerCase()) ?? SEASON_AUDIT_RULES;
}

const HAND_SLOTS: ReadonlySet<GearSlot> = new Set<GearSlot>(['main_hand', 'off_hand']);

/** Weapons take weapon enchants; TWOHWEAPON covers a Titan's Grip warrior's second two-hander. */
const WEAPON_TYPES: ReadonlySet<string> = new Set([
  'WEAPON', 'WEAPONMAINHAND', 'WEAPONOFFHAND', 'TWOHWEAPON', 'RANGED', 'RANGEDRIGHT',
]);

function expectsEnchant(slot: GearSlot, item: EquippedItem): boolean {
  return !HAND_SLOTS.has(slot) || WEAPON_TYPES.has(item.inventoryType.toUpperCase());
}

/**
 * What a raid leader checks before a pull: missing enchants, empty gem sockets, tier pieces and under-quality
 * items. Only items actually worn in the 16 gear slots are audited: an empty slot is not a missing enchant,
 * and a two-hander is audited once even though it fills both hands for item level.
 */
export function auditGear(items: readonly EquippedItem[], rules: AuditRules): GearAudit {
  const gear = wornGear(items);
  const enchantable = new Set(rules.enchantableSlots);
  const tierSets = rules.tierSetIds ? new Set(rules.tierSetIds) : null;
  const minimumRank = QUALITIES.indexOf(rules.minimumQuality);

  const audit: GearAudit = { missingEnchants: [], emptySockets: 0, emptySocketSlots: [], tierPieces: 0, belowQuality: [] };
  for (const slot of GEAR_SLOTS) {
    const item = gear.get(slot);
    if (!item) continue;
    if (enchantable.has(slot) && expectsEnchant(slot, item) && item.enchantmentIds.length === 0) {
      audit.missingEnchants.push(slot);
    }
    const emptySockets = item.sockets.filter((gem) => gem === null).length;
    audit.emptySockets += emptySockets;
    if (emptySockets > 0) audit.emptySocketSlots.push(slot);
    if (item.setId !== null && (tierSets === null || tierSets.has(item.setId))) audit.tierPieces += 1;
    if (QUALITIES.indexOf(item.quality) < minimumRank) audit.belowQuality.push(slot);
  }
  return audit;
}
