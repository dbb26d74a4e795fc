import { execute, toIso, toNumber, type Db } from './connection.js';
import { REGIONS } from '../../domain/regions.js';

/** A character with its progress projection, as the character view and "my characters" read them. */
export interface CharacterRecord {
  characterId: number;
  region: string;
  realm: string;
  nameKey: string;
  name: string;
  className: string | null;
  specName: string | null;
  role: string | null;
  level: number | null;
  /** A current member of the guild the query was scoped to. */
  isMember: boolean;
  fetchStatus: string | null;
  itemLevel: number | null;
  equippedItems: unknown[];
  gearPriorities: unknown[];
  audit: Record<string, unknown> | null;
  fetchedAt: string | null;
  lastErrorAt: string | null;
  notFoundAt: string | null;
}

interface Row {
  id: string;
  region: string;
  realm_slug: string;
  name_key: string;
  name: string;
  class_name: string | null;
  spec_name: string | null;
  role: string | null;
  level: number | null;
  is_member: boolean;
  fetch_status: string | null;
  item_level: number | null;
  equipped_items: unknown[] | null;
  gear_priorities: unknown[] | null;
  audit: Record<string, unknown> | null;
  fetched_at: Date | null;
  last_error_at: Date | null;
  not_found_at: Date | null;
}

const toRecord = (r: Row): CharacterRecord => ({
  characterId: toNumber(r.id) as number,
  region: r.region,
  realm: r.realm_slug,
  nameKey: r.name_key,
  name: r.name,
  className: r.class_name,
  specName: r.spec_name,
  role: r.role,
  level: r.level,
  isMember: r.is_member,
  fetchStatus: r.fetch_status,
  itemLevel: r.item_level,
  equippedItems: r.equipped_items ?? [],
  gearPriorities: r.gear_priorities ?? [],
  audit: r.audit,
  fetchedAt: toIso(r.fetched_at),
  lastErrorAt: toIso(r.last_error_at),
  notFoundAt: toIso(r.not_found_at),
});

/**
 * A character by realm and name, with whether it is a current member of the guild. Every region is listed so
 * the natural-key index (region, realm_slug, name_key) serves the lookup; the guild's own member wins a tie.
 */
export async function findCharacterForGuild(db: Db, guildId: number, realm: string, nameKey: string, region?: string): Promise<CharacterRecord | undefined> {
  const regions = region ? [region] : [...REGIONS];
  const rows = await execute<Row>(
    db,
    `select c.id, c.region, c.realm_slug, c.name_key, c.name, c.class_name, c.spec_name, c.role, c.level,
            (m.id is not null) as is_member,
            p.fetch_status, p.item_level, p.equipped_items, p.gear_priorities, p.audit,
            p.fetched_at, p.last_error_at, p.not_found_at
       from characters c
       left join guild_memberships m on m.guild_id = ? and m.character_id = c.id and m.left_at is null
       left join character_progress p on p.character_id = c.id
      where c.region in (?) and c.realm_slug = ? and c.name_key = ?
      order by (m.id is not null) desc
      limit 1`,
    [guildId, regions, realm, nameKey],
  );
  return rows[0] && toRecord(rows[0]);
}

/** The caller's current characters in one guild (guild_memberships_owner_idx), strongest first. */
export async function findOwnedCharacters(db: Db, guildId: number, bnetId: number): Promise<CharacterRecord[]> {
  const rows = await execute<Row>(
    db,
    `select c.id, c.region, c.realm_slug, c.name_key, c.name,
            coalesce(c.class_name, m.class_name) as class_name, coalesce(c.spec_name, m.spec_name) as spec_name,
            coalesce(c.role, m.role) as role, c.level, true as is_member,
            p.fetch_status, coalesce(p.item_level, m.item_level) as item_level,
            null as equipped_items, null as gear_priorities, null as audit,
            p.fetched_at, p.last_error_at, p.not_found_at
       from guild_memberships m
       join characters c on c.id = m.character_id
       left join character_progress p on p.character_id = m.character_id
      where m.guild_id = ? and m.owner_bnet_id = ? and m.left_at is null
      order by coalesce(p.item_level, m.item_level) desc nulls last, c.name_key`,
    [guildId, bnetId],
  );
  return rows.map(toRecord);
}
