import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** Every version of a guild's GM message; the newest row is the current message. */
export const GuildMessage = defineEntity({
  name: 'GuildMessage',
  tableName: 'guild_messages',
  properties: {
    id: p.bigint('number').primary(),
    guildId: p.integer(),
    message: p.text(),
    createdBy: p.bigint('number'),
    createdAt: p.datetime().defaultRaw('now()'),
  },
});
export type GuildMessage = InferEntity<typeof GuildMessage>;
