import type { EntityManager } from '@mikro-orm/postgresql';
import { query, toId, updateIfChanged } from './sql.js';

/** A character as a roster source describes it; null fields are not known to that source. */
export interface MemberIdentity {
  realm: string;
  nameKey: string;
  name: string;
  className: string | null;
  level: number | null;
  ownerBnetId: number | null;
}

export interface MemberRank {
  characterId: number;
  /** Set when guild-api vouches for the member; guild-api is the source of owners and rank names. */
  ownerBnetId: number | null;
  rankId: number | null;
  rankName: string | null;
}

export const memberKey = (realm: string, nameKey: string): string => `${realm}/${nameKey}`;

/**
 * Rows are written (and locked) in a stable order, so two syncs that share characters, or a sync and a
 * webhook, wait for each other instead of deadlocking.
 */
function byLockOrder<T>(rows: readonly T[], key: (row: T) => string): T[] {
  return [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/**
 * Upserts character identities and returns their ids by `memberKey`. A sync never changes a stored display
 * name (the character refresh writes Battle.net's spelling), and a source that does not know the class,
 * level or owner keeps what is stored. Callers pass each character once.
 */
export async function upsertCharacters(em: EntityManager, region: string, members: MemberIdentity[]): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  if (members.length === 0) return ids;
  const rows = JSON.stringify(
    byLockOrder(members, (m) => memberKey(m.realm, m.nameKey)).map((m) => ({ realm: m.realm, name_key: m.nameKey, name: m.name, class_name: m.className, level: m.level, owner_bnet_id: m.ownerBnetId })),
  );
  await query(
    em,
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
  // A row left alone by the upsert returns nothing, so the ids are read in a second statement.
  const found = await query<{ id: string; realm_slug: string; name_key: string }>(
    em,
    `select c.id, c.realm_slug, c.name_key
     from jsonb_to_recordset(?::jsonb) as m(realm text, name_key text)
     join characters c on c.region = ? and c.realm_slug = m.realm and c.name_key = m.name_key`,
    [rows, region],
  );
  for (const row of found) ids.set(memberKey(row.realm_slug, row.name_key), toId(row.id));
  return ids;
}

export interface MembershipWriteOptions {
  /** When the change happened (a membership event's occurred_at); a new or returning member joins then. */
  joinedAt?: Date;
  /** Recorded as the newest event applied to the rows written (membership events only). */
  lastEventAt?: Date;
  /** Leaves alone any row an event newer than this has already changed (a guild-api list read at this time). */
  unlessEventAfter?: Date;
}

/**
 * Makes characters current members of a guild. A new (or returning) member starts with the overview columns
 * of its latest progress, so it is served with what is known before its next refresh. Owners and ranks are
 * guild-api's.
 */
export async function upsertMemberships(em: EntityManager, guildId: number, members: MemberRank[], options: MembershipWriteOptions = {}): Promise<number> {
  if (members.length === 0) return 0;
  const rows = JSON.stringify(
    byLockOrder(members, (m) => String(m.characterId).padStart(20, '0')).map((m) => ({ character_id: m.characterId, owner_bnet_id: m.ownerBnetId, rank_id: m.rankId, rank_name: m.rankName })),
  );
  const guard = options.unlessEventAfter ? ' and not (gm.last_event_at is not null and gm.last_event_at > ?::timestamptz)' : '';
  const params: unknown[] = [guildId, options.joinedAt ?? null, options.lastEventAt ?? null, rows];
  if (options.unlessEventAfter) params.push(options.unlessEventAfter);
  const written = await query<{ character_id: string }>(
    em,
    `insert into guild_memberships as gm (guild_id, character_id, owner_bnet_id, rank_id, rank_name, joined_at, last_event_at, character_name,
       realm_slug, class_name, spec_name, role, item_level, target_ilvl, gap, status, last_updated)
     select ?, c.id, m.owner_bnet_id, m.rank_id, m.rank_name, coalesce(?::timestamptz, now()), ?::timestamptz, c.name, c.realm_slug, c.class_name,
       c.spec_name, c.role, p.item_level, p.target_ilvl, p.gap, coalesce(p.status, 'unknown'), p.fetched_at
     from jsonb_to_recordset(?::jsonb) as m(character_id bigint, owner_bnet_id bigint, rank_id int, rank_name text)
     join characters c on c.id = m.character_id
     left join character_progress p on p.character_id = c.id
     on conflict (guild_id, character_id) do update ${updateIfChanged('gm', [
       ['owner_bnet_id', 'coalesce(excluded.owner_bnet_id, gm.owner_bnet_id)'],
       ['rank_id', 'coalesce(excluded.rank_id, gm.rank_id)'],
       ['rank_name', 'coalesce(excluded.rank_name, gm.rank_name)'],
       ['joined_at', 'case when gm.left_at is null then gm.joined_at else excluded.joined_at end'],
       ['left_at', 'null::timestamptz'],
       ['last_event_at', 'coalesce(excluded.last_event_at, gm.last_event_at)'],
       ['character_name', 'excluded.character_name'],
       ['realm_slug', 'excluded.realm_slug'],
       ['class_name', 'excluded.class_name'],
       ['spec_name', 'excluded.spec_name'],
       ['role', 'excluded.role'],
       ['item_level', 'excluded.item_level'],
       ['target_ilvl', 'excluded.target_ilvl'],
       ['gap', 'excluded.gap'],
       ['status', 'excluded.status'],
       ['last_updated', 'excluded.last_updated'],
     ])}${guard}
     returning gm.character_id`,
    params,
  );
  return written.length;
}

/**
 * Ends the memberships of a guild's current members that guild-api's list (read at `listReadAt`) does not
 * name, except where an event newer than the list has said otherwise (a join that happened after the read).
 */
export async function markLeavers(em: EntityManager, guildId: number, present: number[], listReadAt: Date): Promise<Array<{ realm: string; nameKey: string }>> {
  const rows = await query<{ realm_slug: string; name_key: string }>(
    em,
    // They left at the latest when the list that no longer names them was read.
    `update guild_memberships gm set left_at = ?::timestamptz, updated_at = now()
     where gm.guild_id = ? and gm.left_at is null
       and not (gm.character_id in (select (jsonb_array_elements_text(?::jsonb))::bigint))
       and (gm.last_event_at is null or gm.last_event_at <= ?::timestamptz)
     returning gm.realm_slug, (select c.name_key from characters c where c.id = gm.character_id) as name_key`,
    [listReadAt, guildId, JSON.stringify(present), listReadAt],
  );
  return rows.map((r) => ({ realm: r.realm_slug, nameKey: r.name_key }));
}

/** The guild's current members as stored: what a sync without a fresh guild-api list works from. */
export async function currentMembers(em: EntityManager, guildId: number): Promise<Array<{ characterId: number; realm: string; nameKey: string; name: string }>> {
  const rows = await query<{ id: string; realm_slug: string; name_key: string; name: string }>(
    em,
    `select c.id, c.realm_slug, c.name_key, c.name
     from guild_memberships gm join characters c on c.id = gm.character_id
     where gm.guild_id = ? and gm.left_at is null
     order by c.realm_slug, c.name_key`,
    [guildId],
  );
  return rows.map((r) => ({ characterId: toId(r.id), realm: r.realm_slug, nameKey: r.name_key, name: r.name }));
}

export interface CharacterRef {
  region: string;
  realm: string;
  name: string;
}

/**
 * Current members never fetched or fetched longer ago than `ttlSeconds`, least recently fetched first. A
 * character Battle.net did not know is left out until `notFoundSeconds` have passed since it said so.
 */
export async function membersDueForRefresh(
  em: EntityManager,
  guildId: number,
  window: { ttlSeconds: number; notFoundSeconds: number; now: Date },
): Promise<CharacterRef[]> {
  return query<CharacterRef>(
    em,
    `select c.region, c.realm_slug as realm, c.name
     from guild_memberships gm
     join characters c on c.id = gm.character_id
     left join character_progress p on p.character_id = gm.character_id
     where gm.guild_id = ? and gm.left_at is null
       and (p.fetched_at is null or p.fetched_at < ?::timestamptz - make_interval(secs => ?))
       and (p.fetch_status is distinct from 'not_found' or p.fetched_at < ?::timestamptz - make_interval(secs => ?))
     order by p.fetched_at asc nulls first, gm.character_id`,
    [guildId, window.now, window.ttlSeconds, window.now, window.notFoundSeconds],
  );
}

export async function findCharacterId(em: EntityManager, region: string, realm: string, nameKey: string): Promise<number | undefined> {
  const [row] = await query<{ id: string }>(
    em,
    'select id from characters where region = ? and realm_slug = ? and name_key = ?',
    [region, realm, nameKey],
  );
  return row ? toId(row.id) : undefined;
}

/** Characters a user owns according to guild-api (syncs and webhooks copy owners onto the character). */
export async function charactersOwnedBy(em: EntityManager, bnetId: number): Promise<CharacterRef[]> {
  return query<CharacterRef>(
    em,
    'select region, realm_slug as realm, name from characters where owner_bnet_id = ? order by id',
    [bnetId],
  );
}
