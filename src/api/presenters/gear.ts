import type { z } from 'zod';
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

export function presentGearPriorities(stored: unknown[]): GearPriorityJson[] {
  return objects(stored).map((p) => ({
    slot: str(p.slot) ?? '',
    item_name: str(p.item_name),
    ilvl: int(p.ilvl),
    below_average_by: int(p.below_average_by),
    track: str(p.track),
  }));
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
