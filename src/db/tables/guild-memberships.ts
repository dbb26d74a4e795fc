import { assignStampingChanges, inLockOrder, query, toId, updateIfChanged, type Db } from '../sql.js';
import { col, defineTable, type Row } from '../table.js';
import type { CharacterIdentity, CharacterRef } from './characters.js';

/**
 * A character's membership of a guild, with copies of its latest progress so the officer overview is a
 * single indexed read. left_at set = no longer served for the guild.
 */
export const guildMembershipsTable = defineTable('guild_memberships', {
  id: col.bigint().defaulted(),
  guild_id: col.integer(),
  character_id: col.bigint(),
  owner_bnet_id: col.bigint().nullable(),
  rank_id: col.integer().nullable(),
  rank_name: col.text().nullable(),
  joined_at: col.timestamptz().defaulted(),
  left_at: col.timestamptz().nullable(),
  character_name: col.text(),
  realm_slug: col.text(),
  class_name: col.text().nullable(),
  spec_name: col.text().nullable(),
  role: col.text().nullable(),
  item_level: col.double().nullable(),
  /** The character's level (Battle.net's profile or guild roster), for the overview's level filter and summary. */
  level: col.integer().nullable(),
  last_updated: col.timestamptz().nullable(),
  /** When the newest membership event applied to this row happened (events apply in that order). */
  last_event_at: col.timestamptz().nullable(),
  updated_at: col.timestamptz().defaulted(),
  /** Copy of character_progress.weekly_gain: the overview projects and sorts on it. */
  weekly_gain: col.double().nullable(),
  /** The gear audit's counts (character_progress.audit), for the overview's audit columns and filter. */
  missing_enchants: col.integer().nullable(),
  empty_sockets: col.integer().nullable(),
  tier_pieces: col.integer().nullable(),
});

type MembershipRow = Row<typeof guildMembershipsTable>;

export interface MemberRank {
  characterId: number;
  /** Set when guild-api vouches for the member; guild-api is the source of owners and rank names. */
  ownerBnetId: number | null;
  rankId: number | null;
  rankName: string | null;
}

/** What a refresh copies into each current membership of the character. */
export interface MemberProgressCopy {
  identity: CharacterIdentity;
  itemLevel: number | null;
  fetchedAt: Date;
  weeklyGain: number | null;
  /** The new gear's audit counts; null when the gear did not change (the stored counts stay). */
  audit: AuditCounts | null;
}

export interface AuditCounts {
  missingEnchants: number;
  emptySockets: number;
  tierPieces: number;
}

/** The guilds the character currently belongs to. */
export async function currentGuildIds(db: Db, characterId: number): Promise<number[]> {
  const rows = await query<Pick<MembershipRow, 'guild_id'>>(
    db,
    'select guild_id from guild_memberships where character_id = ? and left_at is null',
    [characterId],
  );
  return rows.map((r) => r.guild_id);
}

/** Whether any membership of the guild was ever written: false until its first sync has run. */
export async function hasMemberships(db: Db, guildId: number): Promise<boolean> {
  const [row] = await query<{ found: boolean }>(db, 'select exists (select 1 from guild_memberships where guild_id = ?) as found', [guildId]);
  return row?.found ?? false;
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
export async function upsertMemberships(db: Db, guildId: number, members: MemberRank[], options: MembershipWriteOptions = {}): Promise<number> {
  if (members.length === 0) return 0;
  const rows = JSON.stringify(
    inLockOrder(members, (m) => String(m.characterId).padStart(20, '0')).map((m) => ({
      character_id: m.characterId, owner_bnet_id: m.ownerBnetId, rank_id: m.rankId, rank_name: m.rankName,
    })),
  );
  const guard = options.unlessEventAfter ? ' and not (gm.last_event_at is not null and gm.last_event_at > ?::timestamptz)' : '';
  const params: unknown[] = [guildId, options.joinedAt ?? null, options.lastEventAt ?? null, rows];
  if (options.unlessEventAfter) params.push(options.unlessEventAfter);
  const written = await query<Pick<MembershipRow, 'character_id'>>(
    db,
    `insert into guild_memberships as gm (guild_id, character_id, owner_bnet_id, rank_id, rank_name, joined_at, last_event_at, character_name,
       realm_slug, class_name, spec_name, role, item_level, level, last_updated, weekly_gain, missing_enchants, empty_sockets, tier_pieces)
     select ?, c.id, m.owner_bnet_id, m.rank_id, m.rank_name, coalesce(?::timestamptz, now()), ?::timestamptz, c.name, c.realm_slug, c.class_name,
       c.spec_name, c.role, p.item_level, c.level, p.fetched_at, p.weekly_gain,
       case when jsonb_typeof(p.audit -> 'missing_enchants') = 'array' then jsonb_array_length(p.audit -> 'missing_enchants') end,
       (p.audit ->> 'empty_sockets')::int, (p.audit ->> 'tier_pieces')::int
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
       ['level', 'excluded.level'],
       ['last_updated', 'excluded.last_updated'],
       ['weekly_gain', 'excluded.weekly_gain'],
       ['missing_enchants', 'excluded.missing_enchants'],
       ['empty_sockets', 'excluded.empty_sockets'],
       ['tier_pieces', 'excluded.tier_pieces'],
     ])}${guard}
     returning gm.character_id`,
    params,
  );
  return written.length;
}

/**
 * The update that copies a character's progress onto its current memberships, with the character's id taken
 * from `idSource` (`?` for a parameter, or a column of a CTE listed in `from`). Returns the guilds touched.
 */
export function membershipCopyStatement(copy: MemberProgressCopy, idSource: string, from = ''): { sql: string; params: unknown[] } {
  const assignments = assignStampingChanges(
    'gm',
    [
      ...(['character_name', 'class_name', 'spec_name', 'role', 'item_level', 'weekly_gain'] as const).map((c) => [c, `v.${c}`] as const),
      ['level', 'coalesce(v.level, gm.level)'] as const,
      ...(['missing_enchants', 'empty_sockets', 'tier_pieces'] as const).map((c) => [c, `coalesce(v.${c}, gm.${c})`] as const),
    ],
    ['last_updated = v.last_updated'],
  );
  return {
    sql: `update guild_memberships gm set ${assignments}
     from (select ?::text as character_name, ?::text as class_name, ?::text as spec_name, ?::text as role, ?::float8 as item_level,
                  ?::int as level, ?::timestamptz as last_updated, ?::float8 as weekly_gain,
                  ?::int as missing_enchants, ?::int as empty_sockets, ?::int as tier_pieces) v${from}
     where gm.character_id = ${idSource} and gm.left_at is null
     returning gm.guild_id`,
    params: [
      copy.identity.name, copy.identity.className, copy.identity.specName, copy.identity.role, copy.itemLevel, copy.identity.level,
      copy.fetchedAt, copy.weeklyGain, copy.audit?.missingEnchants ?? null, copy.audit?.emptySockets ?? null, copy.audit?.tierPieces ?? null,
    ],
  };
}

/** The officer overview reads these copies, so it is one indexed read per guild. Returns the guilds touched. */
export async function copyProgressToMemberships(db: Db, characterId: number, copy: MemberProgressCopy): Promise<number[]> {
  const statement = membershipCopyStatement(copy, '?');
  const rows = await query<Pick<MembershipRow, 'guild_id'>>(db, statement.sql, [...statement.params, characterId]);
  return rows.map((r) => r.guild_id);
}

/**
 * Ends the memberships of a guild's current members that guild-api's list (read at `listReadAt`) does not
 * name, except where an event newer than the list has said otherwise (a join that happened after the read).
 */
export async function markLeavers(db: Db, guildId: number, present: number[], listReadAt: Date): Promise<Array<{ realm: string; nameKey: string }>> {
  const rows = await query<{ realm_slug: string; name_key: string }>(
    db,
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
/**
 * How many members the guild has now, counted as the officer overview counts them (its `total`): current
 * membership rows, whatever the list or roster a sync was given said.
 */
export async function countCurrentMembers(db: Db, guildId: number): Promise<number> {
  const [row] = await query<{ n: string }>(db, 'select count(*) as n from guild_memberships where guild_id = ? and left_at is null', [guildId]);
  return Number(row?.n ?? 0);
}

export async function currentMembers(db: Db, guildId: number): Promise<Array<{ characterId: number; realm: string; nameKey: string; name: string }>> {
  const rows = await query<{ id: string; realm_slug: string; name_key: string; name: string }>(
    db,
    `select c.id, c.realm_slug, c.name_key, c.name
     from guild_memberships gm join characters c on c.id = gm.character_id
     where gm.guild_id = ? and gm.left_at is null
     order by c.realm_slug, c.name_key`,
    [guildId],
  );
  return rows.map((r) => ({ characterId: toId(r.id), realm: r.realm_slug, nameKey: r.name_key, name: r.name }));
}

/** A member found due, with the fetch instant its stored row had then (ms; null when never fetched). */
export interface DueCharacter extends CharacterRef {
  seenFetchedAt: number | null;
}

/**
 * Current members never fetched or fetched longer ago than `ttlSeconds`, least recently fetched first. A
 * character Battle.net did not know is left out until `notFoundSeconds` have passed since it said so.
 */
export async function membersDueForRefresh(
  db: Db,
  guildId: number,
  window: { ttlSeconds: number; notFoundSeconds: number; now: Date },
): Promise<DueCharacter[]> {
  const rows = await query<CharacterRef & { fetched_at: Date | null }>(
    db,
    `select c.region, c.realm_slug as realm, c.name, p.fetched_at
     from guild_memberships gm
     join characters c on c.id = gm.character_id
     left join character_progress p on p.character_id = gm.character_id
     where gm.guild_id = ? and gm.left_at is null
       and (p.fetched_at is null or p.fetched_at < ?::timestamptz - make_interval(secs => ?))
       and (p.fetch_status is distinct from 'not_found' or p.fetched_at < ?::timestamptz - make_interval(secs => ?))
     order by p.fetched_at asc nulls first, gm.character_id`,
    [guildId, window.now, window.ttlSeconds, window.now, window.notFoundSeconds],
  );
  return rows.map(({ fetched_at, ...ref }) => ({ ...ref, seenFetchedAt: fetched_at ? new Date(fetched_at).getTime() : null }));
}

/**
 * The order rule of membership events: per character, events apply in the order they happened
 * (`occurred_at`), not in the order they arrive. An event is applied only when it happened after both the
 * newest event already applied to that membership and the guild-api list the guild's membership was last
 * rebuilt from (guilds.lockGuildMembership, recordMembershipAsOf); anything older changes nothing.
 */

/** True when an event that happened at `occurredAt` is newer than everything applied to the membership. */
export async function isNewestEvent(db: Db, guildId: number, characterId: number, occurredAt: Date): Promise<boolean> {
  const [row] = await query<{ is_newest: boolean }>(
    db,
    `select ?::timestamptz > coalesce(greatest(gm.last_event_at, g.membership_as_of), '-infinity') as is_newest
     from guilds g left join guild_memberships gm on gm.guild_id = g.id and gm.character_id = ?
     where g.id = ?`,
    [occurredAt, characterId, guildId],
  );
  return row?.is_newest ?? false;
}

/**
 * Ends a membership because of a "left" event. A character never seen in the guild still gets a (former)
 * membership row, so that a "joined" which happened earlier but arrives later does not make it a member.
 */
export async function recordLeave(db: Db, guildId: number, characterId: number, occurredAt: Date): Promise<void> {
  await query(
    db,
    `insert into guild_memberships as gm (guild_id, character_id, joined_at, left_at, last_event_at, character_name, realm_slug, class_name)
     select ?, c.id, ?::timestamptz, ?::timestamptz, ?::timestamptz, c.name, c.realm_slug, c.class_name from characters c where c.id = ?
     on conflict (guild_id, character_id) do update
       set left_at = coalesce(gm.left_at, excluded.left_at), last_event_at = excluded.last_event_at, updated_at = now()`,
    [guildId, occurredAt, occurredAt, occurredAt, characterId],
  );
}

/** Sets the rank of a current member; false when the character is not a current member. */
export async function changeRank(
  db: Db,
  guildId: number,
  characterId: number,
  rank: { rankId: number; rankName: string; ownerBnetId: number },
  occurredAt: Date,
): Promise<boolean> {
  const rows = await query<Pick<MembershipRow, 'id'>>(
    db,
    `update guild_memberships gm set rank_id = ?, rank_name = ?, owner_bnet_id = ?, last_event_at = ?, updated_at = now()
     where gm.guild_id = ? and gm.character_id = ? and gm.left_at is null
     returning gm.id`,
    [rank.rankId, rank.rankName, rank.ownerBnetId, occurredAt, guildId, characterId],
  );
  return rows.length > 0;
}

/**
 * Folds one character's memberships into another's (the same character found under a new name): where both
 * have a row for a guild, the kept row takes the newer rank and owner and is current if either was; other rows
 * change hands.
 */
export async function mergeMemberships(db: Db, fromId: number, intoId: number): Promise<void> {
  await query(
    db,
    `update guild_memberships i set
       owner_bnet_id = coalesce(f.owner_bnet_id, i.owner_bnet_id), rank_id = coalesce(f.rank_id, i.rank_id),
       rank_name = coalesce(f.rank_name, i.rank_name),
       left_at = case when f.left_at is null or i.left_at is null then null else greatest(f.left_at, i.left_at) end,
       last_event_at = greatest(f.last_event_at, i.last_event_at), updated_at = now()
     from guild_memberships f
     where f.character_id = ? and i.character_id = ? and i.guild_id = f.guild_id`,
    [fromId, intoId],
  );
  await query(
    db,
    `delete from guild_memberships f where f.character_id = ?
       and exists (select 1 from guild_memberships i where i.character_id = ? and i.guild_id = f.guild_id)`,
    [fromId, intoId],
  );
  await query(db, 'update guild_memberships set character_id = ?, updated_at = now() where character_id = ?', [intoId, fromId]);
}

/** The overview's copies of the name and realm follow a rename or transfer. */
export async function renameInMemberships(db: Db, characterId: number, name: string, realm: string): Promise<void> {
  await query(
    db,
    `update guild_memberships set character_name = ?, realm_slug = ?, updated_at = now()
     where character_id = ? and (character_name, realm_slug) is distinct from (?, ?)`,
    [name, realm, characterId, name, realm],
  );
}

/** A current membership as the freshness scheduler loads it: who, in which guild, at what rank, fetched when. */
export interface FreshnessMemberRow {
  guildId: number;
  characterId: number;
  rankId: number | null;
  region: string;
  realm: string;
  nameKey: string;
  name: string;
  fetchedAt: Date | null;
  notFound: boolean;
}

/** Every current membership with its character's last fetch: one read, when the scheduler (re)loads. */
export async function freshnessMembers(db: Db): Promise<FreshnessMemberRow[]> {
  const rows = await query<{
    guild_id: number; character_id: string; rank_id: number | null; region: string; realm_slug: string; name_key: string; name: string;
    fetched_at: Date | null; fetch_status: string | null;
  }>(
    db,
    `select gm.guild_id, gm.character_id, gm.rank_id, c.region, c.realm_slug, c.name_key, c.name, p.fetched_at, p.fetch_status
     from guild_memberships gm
     join characters c on c.id = gm.character_id
     left join character_progress p on p.character_id = gm.character_id
     where gm.left_at is null`,
  );
  return rows.map((r) => ({
    guildId: r.guild_id,
    characterId: toId(r.character_id),
    rankId: r.rank_id,
    region: r.region,
    realm: r.realm_slug,
    nameKey: r.name_key,
    name: r.name,
    fetchedAt: r.fetched_at === null ? null : new Date(r.fetched_at),
    notFound: r.fetch_status === 'not_found',
  }));
}
