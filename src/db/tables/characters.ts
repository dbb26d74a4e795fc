import { REGIONS } from '../../domain/regions.js';
import { inLockOrder, query, toId, toIso, toNumber, updateIfChanged, type Db } from '../sql.js';
import { col, defineTable, type Row } from '../table.js';

/** A character's identity; (region, realm_slug, name_key) is the natural key, name_key the lower-cased name. */
export const charactersTable = defineTable('characters', {
  id: col.bigint().defaulted(),
  region: col.text(),
  realm_slug: col.text(),
  name_key: col.text(),
  name: col.text(),
  blizzard_id: col.bigint().nullable(),
  class_name: col.text().nullable(),
  spec_name: col.text().nullable(),
  role: col.text().nullable(),
  level: col.integer().nullable(),
  owner_bnet_id: col.bigint().nullable(),
  created_at: col.timestamptz().defaulted(),
  updated_at: col.timestamptz().defaulted(),
});

type CharacterRow = Row<typeof charactersTable>;

export interface CharacterKey {
  region: string;
  realm: string;
  nameKey: string;
}

/** A character as a roster source describes it; null fields are not known to that source. */
export interface MemberIdentity {
  realm: string;
  nameKey: string;
  name: string;
  className: string | null;
  level: number | null;
  ownerBnetId: number | null;
}

/** What Battle.net's profile says about a character. */
export interface CharacterIdentity {
  name: string;
  blizzardId: number | null;
  className: string | null;
  specName: string | null;
  role: string | null;
  level: number | null;
}

export interface CharacterRef {
  region: string;
  realm: string;
  name: string;
}

export const memberKey = (realm: string, nameKey: string): string => `${realm}/${nameKey}`;

export async function findCharacterId(db: Db, key: CharacterKey): Promise<number | undefined> {
  const [row] = await query<Pick<CharacterRow, 'id'>>(
    db,
    'select id from characters where region = ? and realm_slug = ? and name_key = ?',
    [key.region, key.realm, key.nameKey],
  );
  return row ? toId(row.id) : undefined;
}

/** The id of a character, created with only its name when it is not stored yet. */
export async function ensureCharacter(db: Db, key: CharacterKey, displayName: string): Promise<number> {
  const [inserted] = await query<Pick<CharacterRow, 'id'>>(
    db,
    `insert into characters (region, realm_slug, name_key, name) values (?, ?, ?, ?)
     on conflict (region, realm_slug, name_key) do nothing
     returning id`,
    [key.region, key.realm, key.nameKey, displayName],
  );
  if (inserted) return toId(inserted.id);
  // The conflict waited for any concurrent insert to commit, so the next statement sees the row.
  const id = await findCharacterId(db, key);
  if (id === undefined) throw new Error(`character ${key.region}/${key.realm}/${key.nameKey} could not be created`);
  return id;
}

/** Another stored character with this Battle.net id in the region: the same character under a former name. */
export async function findByBlizzardId(db: Db, region: string, blizzardId: number, except: CharacterKey): Promise<(CharacterKey & { id: number }) | undefined> {
  const [row] = await query<Pick<CharacterRow, 'id' | 'region' | 'realm_slug' | 'name_key'>>(
    db,
    `select id, region, realm_slug, name_key from characters
     where region = ? and blizzard_id = ? and (realm_slug, name_key) <> (?, ?)
     order by updated_at desc limit 1
     for update`,
    [region, blizzardId, except.realm, except.nameKey],
  );
  return row && { id: toId(row.id), region: row.region, realm: row.realm_slug, nameKey: row.name_key };
}

/** Gives a character its new name and realm (a rename or transfer); its id, and so its history, stay. */
export async function moveCharacter(db: Db, id: number, to: CharacterKey, name: string): Promise<void> {
  await query(db, 'update characters set realm_slug = ?, name_key = ?, name = ?, updated_at = now() where id = ?', [to.realm, to.nameKey, name, id]);
}

/** Removes a character row (its progress, history and memberships go with it). */
export async function deleteCharacter(db: Db, id: number): Promise<void> {
  await query(db, 'delete from characters where id = ?', [id]);
}

const IDENTITY_CHANGES = updateIfChanged('c', [
  ['name', 'excluded.name'],
  ['blizzard_id', 'excluded.blizzard_id'],
  ['class_name', 'excluded.class_name'],
  ['spec_name', 'excluded.spec_name'],
  ['role', 'excluded.role'],
  ['level', 'excluded.level'],
]);

/** Writes what Battle.net's profile says (its spelling of the name included) and returns the character's id. */
export async function upsertCharacterIdentity(db: Db, key: CharacterKey, identity: CharacterIdentity): Promise<number> {
  await query(
    db,
    `insert into characters as c (region, realm_slug, name_key, name, blizzard_id, class_name, spec_name, role, level)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?)
     on conflict (region, realm_slug, name_key) do update ${IDENTITY_CHANGES}`,
    [key.region, key.realm, key.nameKey, identity.name, identity.blizzardId, identity.className, identity.specName, identity.role, identity.level],
  );
  // A row left alone by the upsert returns nothing, so the id is read in a second statement.
  const id = await findCharacterId(db, key);
  if (id === undefined) throw new Error(`character ${key.region}/${key.realm}/${key.nameKey} vanished while being written`);
  return id;
}

/**
 * `upsertCharacterIdentity` as the head of a larger statement: the CTEs `former` (another character of the
 * region with this Battle.net id: a rename the statement does not handle), `ch` (the upsert, skipped when
 * `former` has a row) and `cid` (the character's id; no row when skipped, a null id when a concurrent insert
 * hid the row from this statement's snapshot). The statement's other parts read the id from `cid`.
 */
export function identityStatement(key: CharacterKey, identity: CharacterIdentity): { sql: string; params: unknown[] } {
  return {
    sql: `former as (
       select 1 from characters
       where region = ?::text and blizzard_id = ?::bigint and (realm_slug, name_key) <> (?::text, ?::text)
       limit 1
     ),
     ch as (
       insert into characters as c (region, realm_slug, name_key, name, blizzard_id, class_name, spec_name, role, level)
       select ?::text, ?::text, ?::text, ?::text, ?::bigint, ?::text, ?::text, ?::text, ?::int
       where not exists (select 1 from former)
       on conflict (region, realm_slug, name_key) do update ${IDENTITY_CHANGES}
       returning c.id
     ),
     cid as (
       select coalesce((select id from ch), (select id from characters where region = ?::text and realm_slug = ?::text and name_key = ?::text)) as id
       where not exists (select 1 from former)
     )`,
    params: [
      key.region, identity.blizzardId, key.realm, key.nameKey,
      key.region, key.realm, key.nameKey, identity.name, identity.blizzardId, identity.className, identity.specName, identity.role, identity.level,
      key.region, key.realm, key.nameKey,
    ],
  };
}

/**
 * Upserts the identities a roster lists and returns their ids by `memberKey`. A sync never changes a stored
 * display name (the character refresh writes Battle.net's spelling), and a source that does not know the
 * class, level or owner keeps what is stored. Callers pass each character once.
 */
export async function upsertCharacters(db: Db, region: string, members: MemberIdentity[]): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  if (members.length === 0) return ids;
  const rows = JSON.stringify(
    inLockOrder(members, (m) => memberKey(m.realm, m.nameKey)).map((m) => ({
      realm: m.realm, name_key: m.nameKey, name: m.name, class_name: m.className, level: m.level, owner_bnet_id: m.ownerBnetId,
    })),
  );
  await query(
    db,
    `insert into characters as c (region, realm_slug, name_key, name, class_name, level, owner_bnet_id)
     select ?, m.realm, m.name_key, m.name, m.class_name, m.level, m.owner_bnet_id
     from jsonb_to_recordset(?::jsonb) as m(realm text, name_key text, name text, class_name text, level int, owner_bnet_id bigint)
     on conflict (region, realm_slug, name_key) do update ${updateIfChanged('c', [
       ['class_name', 'coalesce(excluded.class_name, c.class_name)'],
       ['level', 'coalesce(excluded.level, c.level)'],
       ['owner_bnet_id', 'coalesce(excluded.owner_bnet_id, c.owner_bnet_id)'],
     ])}`,
    [region, rows],
  );
  const found = await query<Pick<CharacterRow, 'id' | 'realm_slug' | 'name_key'>>(
    db,
    `select c.id, c.realm_slug, c.name_key
     from jsonb_to_recordset(?::jsonb) as m(realm text, name_key text)
     join characters c on c.region = ? and c.realm_slug = m.realm and c.name_key = m.name_key`,
    [rows, region],
  );
  for (const row of found) ids.set(memberKey(row.realm_slug, row.name_key), toId(row.id));
  return ids;
}

/** Characters a user owns according to guild-api (syncs and webhooks copy owners onto the character). */
export async function charactersOwnedBy(db: Db, bnetId: number): Promise<CharacterRef[]> {
  return query<CharacterRef>(db, 'select region, realm_slug as realm, name from characters where owner_bnet_id = ? order by id', [bnetId]);
}

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
  /** Measured by the worker at the last refresh; null without a week of history. */
  weeklyGain: number | null;
  gainConfidence: string | null;
}

interface RecordRow extends Pick<CharacterRow, 'id' | 'region' | 'realm_slug' | 'name_key' | 'name' | 'class_name' | 'spec_name' | 'role' | 'level'> {
  is_member: boolean;
  fetch_status: string | null;
  item_level: number | null;
  equipped_items: unknown[] | null;
  gear_priorities: unknown[] | null;
  audit: Record<string, unknown> | null;
  fetched_at: Date | null;
  last_error_at: Date | null;
  not_found_at: Date | null;
  weekly_gain: number | null;
  gain_confidence: string | null;
}

const toRecord = (r: RecordRow): CharacterRecord => ({
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
  weeklyGain: r.weekly_gain === null ? null : Number(r.weekly_gain),
  gainConfidence: r.gain_confidence,
});

/**
 * A character by realm and name, with whether it is a current member of the guild. Every region is listed so
 * the natural-key index (region, realm_slug, name_key) serves the lookup; the guild's own member wins a tie.
 */
export async function findCharacterForGuild(db: Db, guildId: number, realm: string, nameKey: string, region?: string): Promise<CharacterRecord | undefined> {
  const regions = region ? [region] : [...REGIONS];
  const [row] = await query<RecordRow>(
    db,
    `select c.id, c.region, c.realm_slug, c.name_key, c.name, c.class_name, c.spec_name, c.role, c.level,
            (m.id is not null) as is_member,
            p.fetch_status, p.item_level, p.equipped_items, p.gear_priorities, p.audit,
            p.fetched_at, p.last_error_at, p.not_found_at, p.weekly_gain, p.gain_confidence
       from characters c
       left join guild_memberships m on m.guild_id = ? and m.character_id = c.id and m.left_at is null
       left join character_progress p on p.character_id = c.id
      where c.region in (?) and c.realm_slug = ? and c.name_key = ?
      order by (m.id is not null) desc
      limit 1`,
    [guildId, regions, realm, nameKey],
  );
  return row && toRecord(row);
}

/** The caller's current characters in one guild (guild_memberships_owner_idx), strongest first. */
export async function findOwnedCharacters(db: Db, guildId: number, bnetId: number): Promise<CharacterRecord[]> {
  const rows = await query<RecordRow>(
    db,
    `select c.id, c.region, c.realm_slug, c.name_key, c.name,
            coalesce(c.class_name, m.class_name) as class_name, coalesce(c.spec_name, m.spec_name) as spec_name,
            coalesce(c.role, m.role) as role, c.level, true as is_member,
            p.fetch_status, coalesce(p.item_level, m.item_level) as item_level,
            null as equipped_items, null as gear_priorities, null as audit,
            p.fetched_at, p.last_error_at, p.not_found_at, p.weekly_gain, p.gain_confidence
       from guild_memberships m
       join characters c on c.id = m.character_id
       left join character_progress p on p.character_id = m.character_id
      where m.guild_id = ? and m.owner_bnet_id = ? and m.left_at is null
      order by coalesce(p.item_level, m.item_level) desc nulls last, c.name_key`,
    [guildId, bnetId],
  );
  return rows.map(toRecord);
}
