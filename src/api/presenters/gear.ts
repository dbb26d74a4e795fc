import type { z } from 'zod';
import { upgradePriority } from '../../domain/priorities.js';
import type { auditSchema, equippedItemSchema, gearPrioritySchema } from '../schemas/characters.js';

type EquippedItemJson = z.infer<typeof equippedItemSchema>;
type GearPriorityJson = z.infer<typeof gearPrioritySchema>;
type AuditJson = z.infer<typeof auditSchema>;

type Loose = Record<string, unknown>;
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const int = (v: unknown): number => num(v) ?? 0;
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const objects = (v: unknown[]): Loose[] => v.filter((x): x is Loose => typeof x === 'object' && x !== null);

/**
 * The worker stores equipment, priorities and audit already in the wire shape (it computes them once); these
 * pick the documented fields only, so a column that gains a field cannot leak it into the API unannounced.
 */
export function presentEquippedItems(stored: unknown[]): EquippedItemJson[] {
  return objects(stored).map((i) => ({
    slot: str(i.slot) ?? '',
    item_id: num(i.item_id),
    item_name: str(i.item_name),
    ilvl: num(i.ilvl),
    quality: str(i.quality),
    track: str(i.track),
    enchanted: i.enchanted === true,
    sockets: int(i.sockets),
    empty_sockets: int(i.empty_sockets),
  }));
}

/**
 * Our fields plus what hool.gg's gear list reads: the slot's item level against this week's target, where the
 * item came from (its upgrade track) and how urgent an upgrade is.
 */
export function presentGearPriorities(stored: unknown[], targetIlvl: number): GearPriorityJson[] {
  return objects(stored).map((p) => {
    const ilvl = int(p.ilvl);
    const track = str(p.track);
    return {
      slot: str(p.slot) ?? '',
      item_name: str(p.item_name),
      ilvl,
      below_average_by: int(p.below_average_by),
      track,
      current_ilvl: ilvl,
      target_ilvl: targetIlvl,
      source: track,
      upgrade_priority: upgradePriority(ilvl, targetIlvl),
    };
  });
}

/** The equipped items keyed by slot, the shape hool.gg's web app reads as `gear_details`. */
export function presentGearDetails(items: EquippedItemJson[]): Record<string, Omit<EquippedItemJson, 'slot'>> {
  return Object.fromEntries(items.map(({ slot, ...item }) => [slot, item]));
}

export function presentAudit(stored: Loose | null): AuditJson | null {
  if (!stored) return null;
  return {
    missing_enchants: strings(stored.missing_enchants),
    empty_sockets: int(stored.empty_sockets),
    empty_socket_slots: strings(stored.empty_socket_slots),
    tier_pieces: int(stored.tier_pieces),
    below_quality: strings(stored.below_quality),
  };
}
