import { query, toId, toIso, type Db } from '../sql.js';
import { col, defineTable, type Row } from '../table.js';

/** A guild's Discord webhook for the reset digest. The URL is a credential, so it is stored sealed. */
export const guildDiscordWebhooksTable = defineTable('guild_discord_webhooks', {
  guild_id: col.integer(),
  url_sealed: col.text(),
  /** What may be shown back: the host and the webhook's id, never its token. */
  url_hint: col.text(),
  updated_by: col.bigint(),
  updated_at: col.timestamptz(),
});

type WebhookRow = Row<typeof guildDiscordWebhooksTable>;

export interface DiscordWebhook {
  guildId: number;
  urlSealed: string;
  urlHint: string;
  updatedBy: number;
  updatedAt: string;
}

const toWebhook = (r: WebhookRow): DiscordWebhook => ({
  guildId: r.guild_id,
  urlSealed: r.url_sealed,
  urlHint: r.url_hint,
  updatedBy: toId(r.updated_by),
  updatedAt: toIso(r.updated_at) as string,
});

export async function saveDiscordWebhook(db: Db, w: { guildId: number; urlSealed: string; urlHint: string; updatedBy: number; at: Date }): Promise<DiscordWebhook> {
  const [row] = await query<WebhookRow>(
    db,
    `insert into guild_discord_webhooks (guild_id, url_sealed, url_hint, updated_by, updated_at) values (?, ?, ?, ?, ?)
     on conflict (guild_id) do update set url_sealed = excluded.url_sealed, url_hint = excluded.url_hint,
       updated_by = excluded.updated_by, updated_at = excluded.updated_at
     returning *`,
    [w.guildId, w.urlSealed, w.urlHint, w.updatedBy, w.at],
  );
  return toWebhook(row as WebhookRow);
}

export async function findDiscordWebhook(db: Db, guildId: number): Promise<DiscordWebhook | undefined> {
  const [row] = await query<WebhookRow>(db, 'select * from guild_discord_webhooks where guild_id = ?', [guildId]);
  return row && toWebhook(row);
}

export async function deleteDiscordWebhook(db: Db, guildId: number): Promise<boolean> {
  return (await query(db, 'delete from guild_discord_webhooks where guild_id = ? returning guild_id', [guildId])).length > 0;
}
