import type { GuildMember } from '../../queue/schemas.js';
import { query, type Db } from '../sql.js';
import { col, defineTable } from '../table.js';

/**
 * guild-api's latest member list of a guild, as the api read it (members with owners and ranks). A guild sync
 * rebuilds the membership from it once, then webhooks keep the membership current.
 */
export const guildApiRostersTable = defineTable('guild_api_rosters', {
  guild_id: col.integer(),
  members: col.jsonb<unknown[]>(),
  read_at: col.timestamptz(),
  stored_at: col.timestamptz().defaulted(),
});

/**
 * Keeps guild-api's member list of a guild as the api read it at `readAt` (taken before the request went
 * out). A list read earlier than the one stored is dropped, so two replicas reading at once keep the newer.
 * The worker's next guild sync rebuilds the membership from it. Answers whether the stored list changed (the
 * first list of a guild, or one that differs from the list it replaced).
 */
export async function storeGuildApiRoster(db: Db, guildId: number, members: GuildMember[], readAt: Date): Promise<boolean> {
  const rows = await query<{ changed: boolean }>(
    db,
    `with before as (select members from guild_api_rosters where guild_id = ?)
     insert into guild_api_rosters as r (guild_id, members, read_at) values (?, ?::jsonb, ?)
     on conflict (guild_id) do update set members = excluded.members, read_at = excluded.read_at, stored_at = now()
     where excluded.read_at > r.read_at
     returning r.members is distinct from (select members from before) as changed`,
    [guildId, guildId, JSON.stringify(members), readAt],
  );
  return rows[0]?.changed ?? false;
}

/** guild-api's latest member list of the guild, when it is newer than the one the membership was built from. */
export async function freshGuildApiRoster(db: Db, guildId: number): Promise<{ members: unknown; readAt: Date } | undefined> {
  const [row] = await query<{ members: unknown; read_at: Date }>(
    db,
    `select r.members, r.read_at from guild_api_rosters r join guilds g on g.id = r.guild_id
     where r.guild_id = ? and (g.membership_as_of is null or r.read_at > g.membership_as_of)`,
    [guildId],
  );
  return row ? { members: row.members, readAt: new Date(row.read_at) } : undefined;
}
