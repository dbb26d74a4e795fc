import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { updatedAt } from './base.js';

/**
 * A character's membership of a guild, with copies of its latest progress so the officer overview is a
 * single indexed read. leftAt set = no longer served for the guild.
 */
export const GuildMembership = defineEntity({
  name: 'GuildMembership',
  tableName: 'guild_memberships',
  uniques: [{ name: 'guild_memberships_natural_key', properties: ['guildId', 'characterId'] }],
  properties: {
    id: p.bigint('number').primary(),
    guildId: p.integer(),
    characterId: p.bigint('number'),
    ownerBnetId: p.bigint('number').nullable(),
    rankId: p.integer().nullable(),
    rankName: p.text().nullable(),
    joinedAt: p.datetime().defaultRaw('now()'),
    leftAt: p.datetime().nullable(),
    characterName: p.text(),
    realmSlug: p.text(),
    className: p.text().nullable(),
    specName: p.text().nullable(),
    role: p.text().nullable(),
    itemLevel: p.double().$type<number>().nullable(),
    targetIlvl: p.double().$type<number>().nullable(),
    gap: p.double().$type<number>().nullable(),
    status: p.text().default('unknown'),
    lastUpdated: p.datetime().nullable(),
    /** When the newest membership event applied to this row happened (events apply in that order). */
    lastEventAt: p.datetime().nullable(),
    updatedAt: updatedAt(),
  },
});
export type GuildMembership = InferEntity<typeof GuildMembership>;
