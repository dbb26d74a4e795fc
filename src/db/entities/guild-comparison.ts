import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { updatedAt } from './base.js';

/** A guild's WarcraftLogs ranking, keyed by where WarcraftLogs finds it. */
export const GuildComparison = defineEntity({
  name: 'GuildComparison',
  tableName: 'guild_comparisons',
  uniques: [{ name: 'guild_comparisons_natural_key', properties: ['region', 'realmSlug', 'guildNameKey'] }],
  properties: {
    id: p.bigint('number').primary(),
    region: p.text(),
    realmSlug: p.text(),
    guildNameKey: p.text(),
    guildName: p.text(),
    zoneId: p.integer().nullable(),
    zoneName: p.text().nullable(),
    bossesKilled: p.integer().nullable(),
    bossesTotal: p.integer().nullable(),
    difficulty: p.text().nullable(),
    worldRank: p.integer().nullable(),
    regionRank: p.integer().nullable(),
    serverRank: p.integer().nullable(),
    speed: p.json<Record<string, unknown>>().nullable(),
    fetchStatus: p.text().default('pending'),
    fetchedAt: p.datetime().nullable(),
    lastError: p.text().nullable(),
    lastErrorAt: p.datetime().nullable(),
    updatedAt: updatedAt(),
  },
});
export type GuildComparison = InferEntity<typeof GuildComparison>;
