import { query, toIso, type Db } from '../sql.js';
import { col, defineTable, type Row } from '../table.js';

/**
 * One row per guild and weekly reset: the reset digest and the events of that reset go out under this row's
 * lock, once, however many worker replicas ask.
 */
export const resetDigestsTable = defineTable('reset_digests', {
  guild_id: col.integer(),
  reset_at: col.timestamptz(),
  week: col.integer(),
  status: col.text<'pending' | 'sent'>().defaulted(),
  attempts: col.integer().defaulted(),
  sent_at: col.timestamptz().nullable(),
  last_error: col.text().nullable(),
});

type DigestRow = Row<typeof resetDigestsTable>;

/**
 * Creates the reset's row if needed and locks it for the rest of the transaction: a second replica waits here
 * until the first has sent (and then sees `sent`) or failed.
 */
export async function claimResetDigest(db: Db, guildId: number, resetAt: Date, week: number): Promise<{ status: 'pending' | 'sent' }> {
  await query(db, 'insert into reset_digests (guild_id, reset_at, week) values (?, ?, ?) on conflict do nothing', [guildId, resetAt, week]);
  const [row] = await query<Pick<DigestRow, 'status'>>(db, 'select status from reset_digests where guild_id = ? and reset_at = ? for update', [guildId, resetAt]);
  return { status: row?.status ?? 'pending' };
}

export async function recordDigestOutcome(db: Db, guildId: number, resetAt: Date, outcome: { sentAt: Date } | { error: string }): Promise<void> {
  if ('sentAt' in outcome) {
    await query(db, "update reset_digests set status = 'sent', attempts = attempts + 1, sent_at = ?, last_error = null where guild_id = ? and reset_at = ?", [outcome.sentAt, guildId, resetAt]);
  } else {
    await query(db, 'update reset_digests set attempts = attempts + 1, last_error = ? where guild_id = ? and reset_at = ?', [outcome.error, guildId, resetAt]);
  }
}

/** Whether a reset's digest row exists (the periodic check then leaves that reset alone). */
export async function hasResetDigest(db: Db, guildId: number, resetAt: Date): Promise<boolean> {
  return (await query(db, 'select 1 from reset_digests where guild_id = ? and reset_at = ?', [guildId, resetAt])).length > 0;
}

export async function resetDigestsOf(db: Db, guildId: number): Promise<Array<{ resetAt: string; week: number; status: string; attempts: number; sentAt: string | null }>> {
  const rows = await query<DigestRow>(db, 'select * from reset_digests where guild_id = ? order by reset_at', [guildId]);
  return rows.map((r) => ({ resetAt: toIso(r.reset_at) as string, week: r.week, status: r.status, attempts: r.attempts, sentAt: toIso(r.sent_at) }));
}

/**
 * Guilds with something to tell at a reset (a Discord webhook, or an enabled endpoint that wants the digest or
 * fell-behind events), with their region and since when they have had it: a reset before that is not theirs.
 */
export async function guildsWithResetIntegrations(db: Db): Promise<Array<{ guildId: number; region: string; since: Date }>> {
  const rows = await query<{ guild_id: number; region: string; since: Date }>(
    db,
    `select g.id as guild_id, g.region, min(s.since) as since from (
       select guild_id, updated_at as since from guild_discord_webhooks
       union all
       select guild_id, created_at from event_endpoints
       where disabled_at is null and (event_types @> '["digest.weekly"]'::jsonb or event_types @> '["character.fell_behind"]'::jsonb)
     ) s join guilds g on g.id = s.guild_id group by g.id, g.region order by g.id`,
  );
  return rows.map((r) => ({ guildId: r.guild_id, region: r.region, since: new Date(r.since) }));
}
