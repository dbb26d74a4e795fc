import type { GuildRef } from '../../queue/schemas.js';
import { query, updateIfChanged, type Db } from '../sql.js';
import { col, defineTable, type Row } from '../table.js';

/** A guild progress-api tracks; id is guild-api's id. Creating the row is what makes a guild tracked. */
export const guildsTable = defineTable('guilds', {
  id: col.integer(),
  name: col.text(),
  realm_slug: col.text(),
  region: col.text(),
  tracked_at: col.timestamptz().defaulted(),
  last_synced_at: col.timestamptz().nullable(),
  sync_status: col.text<'pending' | 'ok' | 'not_found' | 'partial' | 'error'>().defaulted(),
  last_error: col.text().nullable(),
  /** When the guild-api member list the membership was last rebuilt from was read; older events change nothing. */
  membership_as_of: col.timestamptz().nullable(),
  updated_at: col.timestamptz().defaulted(),
});

type GuildRow = Pick<Row<typeof guildsTable>, 'id' | 'name' | 'realm_slug' | 'region'>;

const toRef = (row: GuildRow): GuildRef => ({
  id: row.id,
  name: row.name,
  realm: row.realm_slug,
  region: row.region as GuildRef['region'],
});

/** The periodic sync covers every guild in this table that is not retired. */
export async function upsertGuild(db: Db, guild: GuildRef): Promise<void> {
  await query(
    db,
    `insert into guilds as g (id, name, realm_slug, region) values (?, ?, ?, ?)
     on conflict (id) do update ${updateIfChanged('g', [
       ['name', 'excluded.name'],
       ['realm_slug', 'excluded.realm_slug'],
       ['region', 'excluded.region'],
     ])}`,
    [guild.id, guild.name, guild.realm, guild.region],
  );
}

/** The tracked guild as the worker last synced it. */
export async function findGuild(db: Db, guildId: number): Promise<GuildRef | undefined> {
  const [row] = await query<GuildRow>(db, 'select id, name, realm_slug, region from guilds where id = ?', [guildId]);
  return row ? toRef(row) : undefined;
}

/** The guild when progress-api has read guild-api's member list for it before (it is tracked); else undefined. */
export async function findKnownGuild(db: Db, guildId: number): Promise<GuildRef | undefined> {
  const [row] = await query<GuildRow>(
    db,
    `select g.id, g.name, g.realm_slug, g.region from guilds g
     where g.id = ? and exists (select 1 from guild_api_rosters r where r.guild_id = g.id)`,
    [guildId],
  );
  return row ? toRef(row) : undefined;
}


/** Records a sync at `at` (business time: the sync cadence and retirement are measured on the same clock). */
export async function recordGuildSynced(db: Db, guildId: number, status: 'ok' | 'not_found' | 'partial', at: Date): Promise<void> {
  await query(db, `update guilds set last_synced_at = ?, sync_status = ?, last_error = null where id = ?`, [at, status, guildId]);
}

/** When the guild was last synced; null when never (or not tracked). */
export async function lastSyncedAt(db: Db, guildId: number): Promise<Date | null> {
  const [row] = await query<{ last_synced_at: Date | null }>(db, 'select last_synced_at from guilds where id = ?', [guildId]);
  return row?.last_synced_at ? new Date(row.last_synced_at) : null;
}

/** Every tracked guild with the instant it was first tracked (what counts as its last opening when none is recorded). */
export async function trackedGuildsSince(db: Db): Promise<Array<GuildRef & { trackedAt: Date }>> {
  const rows = await query<GuildRow & { tracked_at: Date }>(db, 'select id, name, realm_slug, region, tracked_at from guilds order by id');
  return rows.map((row) => ({ ...toRef(row), trackedAt: new Date(row.tracked_at) }));
}

/**
 * Locks the guild's row for the rest of the transaction, so a guild's syncs and events apply one at a time
 * and always in the same lock order (guild first, then memberships). Returns when the guild's membership
 * was last rebuilt from a guild-api list, or undefined when the guild is not tracked.
 */
export async function lockGuildMembership(db: Db, guildId: number): Promise<{ membershipAsOf: Date | null } | undefined> {
  const [row] = await query<Pick<Row<typeof guildsTable>, 'membership_as_of'>>(db, 'select membership_as_of from guilds where id = ? for update', [guildId]);
  return row ? { membershipAsOf: row.membership_as_of } : undefined;
}

/** Records that the guild's membership now is guild-api's list read at `readAt`. */
export async function recordMembershipAsOf(db: Db, guildId: number, readAt: Date): Promise<void> {
  await query(
    db,
    'update guilds set membership_as_of = ? where id = ? and (membership_as_of is null or membership_as_of < ?)',
    [readAt, guildId, readAt],
  );
}
