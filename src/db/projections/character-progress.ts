import type { EntityManager } from '@mikro-orm/postgresql';
import type { FetchStatus } from '../entities/character-progress.js';
import { assignStampingChanges, query, toId, updateIfChanged } from './sql.js';

export interface CharacterKey {
  region: string;
  realm: string;
  nameKey: string;
}

export interface CharacterIdentity {
  name: string;
  blizzardId: number | null;
  className: string | null;
  specName: string | null;
  role: string | null;
  level: number | null;
}

/** What a refresh needs to know of the stored character before it calls Battle.net. */
export interface StoredCharacter extends CharacterIdentity {
  id: number;
  fetchStatus: FetchStatus | null;
  fetchedAt: Date | null;
  itemLevel: number | null;
  /** Last-Modified of the equipment and of the profile, for If-Modified-Since. */
  lastModified: string | null;
  profileLastModified: string | null;
}

/** A freshly fetched equipment and everything computed from it. */
export interface GearSnapshot {
  itemLevel: number;
  equippedItems: unknown[];
  gearPriorities: unknown[];
  audit: Record<string, unknown>;
  lastModified: string | null;
}

export interface ProgressSnapshot {
  itemLevel: number | null;
  targetIlvl: number;
  currentWeek: number;
  gap: number | null;
  status: string;
}

export interface CharacterProjection {
  key: CharacterKey;
  identity: CharacterIdentity;
  profileLastModified: string | null;
  /** Null when Battle.net said the equipment has not changed: the stored items, priorities and audit stay. */
  gear: GearSnapshot | null;
  progress: ProgressSnapshot;
  fetchedAt: Date;
  /** The UTC day of today's item-level history point. */
  day: string;
}

export async function findStoredCharacter(em: EntityManager, key: CharacterKey): Promise<StoredCharacter | undefined> {
  const [row] = await query<{
    id: string; name: string; blizzard_id: string | null; class_name: string | null; spec_name: string | null; role: string | null;
    level: number | null; fetch_status: FetchStatus | null; fetched_at: Date | null; item_level: number | null; last_modified: string | null;
    profile_last_modified: string | null;
  }>(
    em,
    `select c.id, c.name, c.blizzard_id, c.class_name, c.spec_name, c.role, c.level,
            p.fetch_status, p.fetched_at, p.item_level, p.last_modified, p.profile_last_modified
     from characters c left join character_progress p on p.character_id = c.id
     where c.region = ? and c.realm_slug = ? and c.name_key = ?`,
    [key.region, key.realm, key.nameKey],
  );
  if (!row) return undefined;
  return {
    id: toId(row.id),
    name: row.name,
    blizzardId: row.blizzard_id === null ? null : toId(row.blizzard_id),
    className: row.class_name,
    specName: row.spec_name,
    role: row.role,
    level: row.level,
    fetchStatus: row.fetch_status,
    fetchedAt: row.fetched_at === null ? null : new Date(row.fetched_at),
    itemLevel: row.item_level,
    lastModified: row.last_modified,
    profileLastModified: row.profile_last_modified,
  };
}

/**
 * Writes a refreshed character in one transaction: identity, progress, today's history point and the
 * overview copy in every current membership. Returns the guilds whose cached responses are now stale.
 */
export async function saveCharacterProjection(em: EntityManager, p: CharacterProjection): Promise<number[]> {
  return em.transactional(async (tx) => {
    const characterId = await upsertIdentity(tx, p.key, p.identity);
    await (p.gear ? upsertProgressWithGear(tx, characterId, p, p.gear) : updateProgressOnly(tx, characterId, p));
    if (p.progress.itemLevel !== null) {
      await query(
        tx,
        `insert into item_level_history as h (character_id, day, item_level) values (?, ?::date, ?)
         on conflict (character_id, day) do update set item_level = excluded.item_level, recorded_at = now()
         where h.item_level is distinct from excluded.item_level`,
        [characterId, p.day, p.progress.itemLevel],
      );
    }
    return copyToMemberships(tx, characterId, p);
  });
}

async function upsertIdentity(em: EntityManager, key: CharacterKey, identity: CharacterIdentity): Promise<number> {
  await query(
    em,
    `insert into characters as c (region, realm_slug, name_key, name, blizzard_id, class_name, spec_name, role, level)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?)
     on conflict (region, realm_slug, name_key) do update ${updateIfChanged('c', [
       ['name', 'excluded.name'],
       ['blizzard_id', 'excluded.blizzard_id'],
       ['class_name', 'excluded.class_name'],
       ['spec_name', 'excluded.spec_name'],
       ['role', 'excluded.role'],
       ['level', 'excluded.level'],
     ])}`,
    [key.region, key.realm, key.nameKey, identity.name, identity.blizzardId, identity.className, identity.specName, identity.role, identity.level],
  );
  return requireCharacterId(em, key);
}

async function requireCharacterId(em: EntityManager, key: CharacterKey): Promise<number> {
  const [row] = await query<{ id: string }>(
    em,
    'select id from characters where region = ? and realm_slug = ? and name_key = ?',
    [key.region, key.realm, key.nameKey],
  );
  if (!row) throw new Error(`character ${key.region}/${key.realm}/${key.nameKey} vanished while being written`);
  return toId(row.id);
}

/** Columns whose change counts as a change of the projection; fetched_at and the error columns do not. */
const progressColumns = (source: string) =>
  (['target_ilvl', 'current_week', 'gap', 'status', 'profile_last_modified'] as const).map((c) => [c, `${source}.${c}`] as const);

const CLEARS_ERRORS = ['last_error = null', 'last_error_at = null'];

async function upsertProgressWithGear(em: EntityManager, characterId: number, p: CharacterProjection, gear: GearSnapshot): Promise<void> {
  const assignments = assignStampingChanges(
    'cp',
    [
      ['fetch_status', 'excluded.fetch_status'],
      ['item_level', 'excluded.item_level'],
      ['equipped_items', 'excluded.equipped_items'],
      ['gear_priorities', 'excluded.gear_priorities'],
      ['audit', 'excluded.audit'],
      ['last_modified', 'excluded.last_modified'],
      ['not_found_at', 'null::timestamptz'],
      ...progressColumns('excluded'),
    ],
    ['fetched_at = excluded.fetched_at', ...CLEARS_ERRORS],
  );
  await query(
    em,
    `insert into character_progress as cp (character_id, fetch_status, item_level, equipped_items, gear_priorities, audit,
       last_modified, target_ilvl, current_week, gap, status, profile_last_modified, fetched_at)
     values (?, 'ok', ?, ?::jsonb, ?::jsonb, ?::jsonb, ?, ?, ?, ?, ?, ?, ?)
     on conflict (character_id) do update set ${assignments}`,
    [
      characterId, gear.itemLevel, JSON.stringify(gear.equippedItems), JSON.stringify(gear.gearPriorities), JSON.stringify(gear.audit),
      gear.lastModified, p.progress.targetIlvl, p.progress.currentWeek, p.progress.gap, p.progress.status, p.profileLastModified, p.fetchedAt,
    ],
  );
}

/**
 * Equipment unchanged: the stored gear stays, but the week's target (and so gap and status) is re-applied,
 * since a new week moves the target without any change on Battle.net.
 */
async function updateProgressOnly(em: EntityManager, characterId: number, p: CharacterProjection): Promise<void> {
  const assignments = assignStampingChanges(
    'cp',
    [['fetch_status', "'ok'"], ['not_found_at', 'null::timestamptz'], ...progressColumns('v')],
    ['fetched_at = v.fetched_at', ...CLEARS_ERRORS],
  );
  await query(
    em,
    `update character_progress cp set ${assignments}
     from (select ?::float8 as target_ilvl, ?::int as current_week, ?::float8 as gap, ?::text as status,
                  ?::text as profile_last_modified, ?::timestamptz as fetched_at) v
     where cp.character_id = ?`,
    [p.progress.targetIlvl, p.progress.currentWeek, p.progress.gap, p.progress.status, p.profileLastModified, p.fetchedAt, characterId],
  );
}

/** The officer overview reads these copies, so it is one indexed read per guild. */
async function copyToMemberships(em: EntityManager, characterId: number, p: CharacterProjection): Promise<number[]> {
  const assignments = assignStampingChanges(
    'gm',
    (['character_name', 'class_name', 'spec_name', 'role', 'item_level', 'target_ilvl', 'gap', 'status'] as const).map(
      (c) => [c, `v.${c}`] as const,
    ),
    ['last_updated = v.last_updated'],
  );
  const rows = await query<{ guild_id: number }>(
    em,
    `update guild_memberships gm set ${assignments}
     from (select ?::text as character_name, ?::text as class_name, ?::text as spec_name, ?::text as role, ?::float8 as item_level,
                  ?::float8 as target_ilvl, ?::float8 as gap, ?::text as status, ?::timestamptz as last_updated) v
     where gm.character_id = ? and gm.left_at is null
     returning gm.guild_id`,
    [
      p.identity.name, p.identity.className, p.identity.specName, p.identity.role, p.progress.itemLevel,
      p.progress.targetIlvl, p.progress.gap, p.progress.status, p.fetchedAt, characterId,
    ],
  );
  return rows.map((r) => r.guild_id);
}
