import { execute, type Db } from './connection.js';

export interface GuildRecord {
  id: number;
  name: string;
  realm: string;
  region: string;
}

/** The tracked guild as the worker last synced it. */
export async function findGuild(db: Db, guildId: number): Promise<GuildRecord | undefined> {
  const rows = await execute<{ id: number; name: string; realm_slug: string; region: string }>(
    db,
    'select id, name, realm_slug, region from guilds where id = ?',
    [guildId],
  );
  const row = rows[0];
  return row && { id: row.id, name: row.name, realm: row.realm_slug, region: row.region };
}
