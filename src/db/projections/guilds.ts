import type { EntityManager } from '@mikro-orm/postgresql';
import type { GuildRef } from '../../queue/schemas.js';
import { query, updateIfChanged } from './sql.js';

interface GuildRow {
  id: number;
  name: string;
  realm_slug: string;
  region: string;
}

const toRef = (row: GuildRow): GuildRef => ({
  id: row.id,
  name: row.name,
  realm: row.realm_slug,
  region: row.region as GuildRef['region'],
});

/** Creating the row is what makes a guild tracked: the scheduler syncs every guild in this table. */
export async function upsertGuild(em: EntityManager, guild: GuildRef): Promise<void> {
  await query(
    em,
    `insert into guilds as g (id, name, realm_slug, region) values (?, ?, ?, ?)
     on conflict (id) do update ${updateIfChanged('g', [
       ['name', 'excluded.name'],
       ['realm_slug', 'excluded.realm_slug'],
       ['region', 'excluded.region'],
     ])}`,
    [guild.id, guild.name, guild.realm, guild.region],
  );
}

export async function findGuild(em: EntityManager, guildId: number): Promise<GuildRef | undefined> {
  const [row] = await query<GuildRow>(em, 'select id, name, realm_slug, region from guilds where id = ?', [guildId]);
  return row ? toRef(row) : undefined;
}

export async function trackedGuilds(em: EntityManager): Promise<GuildRef[]> {
  const rows = await query<GuildRow>(em, 'select id, name, realm_slug, region from guilds order by id');
  return rows.map(toRef);
}

export async function recordGuildSynced(em: EntityManager, guildId: number, status: 'ok' | 'not_found' | 'partial'): Promise<void> {
  await query(em, `update guilds set last_synced_at = now(), sync_status = ?, last_error = null where id = ?`, [status, guildId]);
}
