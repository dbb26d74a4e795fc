import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/**
 * guild-api's latest member list of a guild, as the api read it (members with owners and ranks). A guild sync
 * rebuilds the membership from it once, then webhooks keep the membership current.
 */
export const GuildApiRoster = defineEntity({
  name: 'GuildApiRoster',
  tableName: 'guild_api_rosters',
  properties: {
    guildId: p.integer().primary().autoincrement(false),
    members: p.json<unknown[]>(),
    readAt: p.datetime(),
    storedAt: p.datetime().defaultRaw('now()'),
  },
});
export type GuildApiRoster = InferEntity<typeof GuildApiRoster>;
