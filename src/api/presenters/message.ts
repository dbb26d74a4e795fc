import type { MessageRecord } from '../../db/tables/guild-messages.js';
import type { HistoryJson, MessageJson } from '../schemas/message.js';

/** A version that is blank after trimming is a clear: readers see no message, the history keeps the write. */
const isCleared = (m: MessageRecord) => m.message.trim() === '';

export function presentMessage(guildId: number, m: MessageRecord | undefined): MessageJson {
  return {
    guild_id: guildId,
    gm_message: m && !isCleared(m) ? m.message : null,
    created_by: m?.createdBy ?? null,
    updated_at: m?.createdAt ?? null,
  };
}

export function presentHistory(guildId: number, total: number, messages: MessageRecord[]): HistoryJson {
  return {
    guild_id: guildId,
    total,
    history: messages.map((m) => ({ gm_message: m.message, created_by: m.createdBy, updated_at: m.createdAt })),
  };
}
