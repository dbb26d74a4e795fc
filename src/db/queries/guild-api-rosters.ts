import type { GuildMember } from '../../queue/schemas.js';
import { execute, type Db } from './connection.js';

/**
 * Keeps guild-api's member list of a guild as the api read it at `readAt` (taken before the request went
 * out). A list read earlier than the one stored is dropped, so two replicas reading at once keep the newer.
 * The worker's next guild sync rebuilds the membership from it.
 */
export async function storeGuildApiRoster(db: Db, guildId: number, members: GuildMember[], readAt: Date): Promise<void> {
  await execute(
    db,
    `insert into guild_api_rosters as r (guild_id, members, read_at) values (?, ?::jsonb, ?)
     on conflict (guild_id) do update set members = excluded.members, read_at = excluded.read_at, stored_at = now()
     where excluded.read_at > r.read_at`,
    [guildId, JSON.stringify(members), readAt],
  );
}
