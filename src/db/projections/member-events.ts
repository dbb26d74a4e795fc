import type { EntityManager } from '@mikro-orm/postgresql';
import { query } from './sql.js';

/**
 * The order rule of membership events: per character, events apply in the order they happened
 * (`occurred_at`), not in the order they arrive. An event is applied only when it happened after both the
 * newest event already applied to that membership and the guild-api list the guild's membership was last
 * rebuilt from; anything older is recorded (the webhook and its job stay) and changes nothing.
 */

/**
 * Locks the guild's row for the rest of the transaction, so a guild's syncs and events apply one at a time
 * and always in the same lock order (guild first, then memberships). Returns when the guild's membership
 * was last rebuilt from a guild-api list, or undefined when the guild is not tracked.
 */
export async function lockGuildMembership(em: EntityManager, guildId: number): Promise<{ membershipAsOf: Date | null } | undefined> {
  const [row] = await query<{ membership_as_of: Date | null }>(em, 'select membership_as_of from guilds where id = ? for update', [guildId]);
  return row ? { membershipAsOf: row.membership_as_of } : undefined;
}

/** True when an event that happened at `occurredAt` is newer than everything applied to the membership. */
export async function isNewestEvent(em: EntityManager, guildId: number, characterId: number, occurredAt: Date): Promise<boolean> {
  const [row] = await query<{ is_newest: boolean }>(
    em,
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
export async function recordLeave(em: EntityManager, guildId: number, characterId: number, occurredAt: Date): Promise<void> {
  await query(
    em,
    `insert into guild_memberships as gm (guild_id, character_id, joined_at, left_at, last_event_at, character_name, realm_slug, class_name)
     select ?, c.id, ?::timestamptz, ?::timestamptz, ?::timestamptz, c.name, c.realm_slug, c.class_name from characters c where c.id = ?
     on conflict (guild_id, character_id) do update
       set left_at = coalesce(gm.left_at, excluded.left_at), last_event_at = excluded.last_event_at, updated_at = now()`,
    [guildId, occurredAt, occurredAt, occurredAt, characterId],
  );
}

/** Sets the rank of a current member; false when the character is not a current member. */
export async function changeRank(
  em: EntityManager,
  guildId: number,
  characterId: number,
  rank: { rankId: number; rankName: string; ownerBnetId: number },
  occurredAt: Date,
): Promise<boolean> {
  const rows = await query<{ id: string }>(
    em,
    `update guild_memberships gm set rank_id = ?, rank_name = ?, owner_bnet_id = ?, last_event_at = ?, updated_at = now()
     where gm.guild_id = ? and gm.character_id = ? and gm.left_at is null
     returning gm.id`,
    [rank.rankId, rank.rankName, rank.ownerBnetId, occurredAt, guildId, characterId],
  );
  return rows.length > 0;
}

/** Records that the guild's membership now is guild-api's list read at `readAt`. */
export async function recordMembershipAsOf(em: EntityManager, guildId: number, readAt: Date): Promise<void> {
  await query(
    em,
    'update guilds set membership_as_of = ? where id = ? and (membership_as_of is null or membership_as_of < ?)',
    [readAt, guildId, readAt],
  );
}

/** guild-api's latest member list of the guild, when it is newer than the one the membership was built from. */
export async function freshGuildApiRoster(em: EntityManager, guildId: number): Promise<{ members: unknown; readAt: Date } | undefined> {
  const [row] = await query<{ members: unknown; read_at: Date }>(
    em,
    `select r.members, r.read_at from guild_api_rosters r join guilds g on g.id = r.guild_id
     where r.guild_id = ? and (g.membership_as_of is null or r.read_at > g.membership_as_of)`,
    [guildId],
  );
  return row ? { members: row.members, readAt: new Date(row.read_at) } : undefined;
}
