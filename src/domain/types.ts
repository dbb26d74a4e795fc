/**
 * Plain data the game rules work on. Upstream clients map Battle.net JSON into these shapes;
 * nothing in src/domain knows about HTTP, JSON envelopes or the database.
 */
export type { RegionCode } from './regions.js';

/** The 16 slots that count towards item level, in the game's order (also the tie-break order of priorities). */
export const GEAR_SLOTS = [
  'head', 'neck', 'shoulder', 'back', 'chest', 'wrist', 'hands', 'waist',
  'legs', 'feet', 'finger_1', 'finger_2', 'trinket_1', 'trinket_2', 'main_hand', 'off_hand',
] as const;
export type GearSlot = (typeof GEAR_SLOTS)[number];

/** Battle.net item quality types, lowest to highest. */
export const QUALITIES = ['POOR', 'COMMON', 'UNCOMMON', 'RARE', 'EPIC', 'LEGENDARY', 'ARTIFACT', 'HEIRLOOM'] as const;
export type Quality = (typeof QUALITIES)[number];

export interface EquippedItem {
  /** Lower-cased Battle.net slot type: a GearSlot, or 'shirt' / 'tabard' / anything else the API sends. */
  slot: string;
  itemId: number;
  name: string;
  itemLevel: number;
  quality: Quality;
  /** Battle.net inventory_type.type, e.g. 'TWOHWEAPON', 'RANGED', 'HOLDABLE'. */
  inventoryType: string;
  /** The item's name_description display string, e.g. "Hero 4/6", when present. */
  nameDescription: string | null;
  /** Ids of permanent enchantments on the item. */
  enchantmentIds: number[];
  /** One entry per socket: the gem's item id, or null when the socket is empty. */
  sockets: Array<number | null>;
  /** Tier-set id when the item belongs to a set. */
  setId: number | null;
  /**
   * Battle.net's item_class and item_subclass ids and subclass name (e.g. 2 / 19 / "Wand"), when sent: the
   * inventory type alone does not tell a wand from a gun.
   */
  itemSubclass?: { classId: number | null; id: number; name: string | null } | null;
}

export type Role = 'Tank' | 'Healer' | 'DPS';
/** `ahead` reads "On Track": at or above the target (the word hool.gg's web app and the original service use). */
export type Status = 'ahead' | 'behind' | 'unknown';

export interface SeasonWeek {
  week: number;
  /** First day of the week at the US reset, YYYY-MM-DD. */
  startDate: string;
  targetIlvl: number;
  description: string;
  /** A global week (launch) starts on the same day in every region. */
  isGlobal: boolean;
}

export interface SeasonPlan {
  expansion: string;
  season: string;
  weeks: SeasonWeek[];
  /** Set on a guild's own plan: the expansion number its Guild Master gave. */
  expansionId?: number;
  /** Set on a guild's own plan: the guild it belongs to. */
  guildId?: number;
}
