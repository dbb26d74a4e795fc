import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { updatedAt } from './base.js';

/** A guild progress-api tracks; id is guild-api's id. Created the first time the api sees the guild. */
export const Guild = defineEntity({
  name: 'Guild',
  tableName: 'guilds',
  properties: {
    id: p.integer().primary().autoincrement(false),
    name: p.text(),
    realmSlug: p.text(),
    region: p.text(),
    trackedAt: p.datetime().defaultRaw('now()'),
    lastSyncedAt: p.datetime().nullable(),
    syncStatus: p.text().default('pending'),
    lastError: p.text().nullable(),
    /** When the guild-api member list the membership was last rebuilt from was read; older events change nothing. */
    membershipAsOf: p.datetime().nullable(),
    updatedAt: updatedAt(),
  },
});
export type Guild = InferEntity<typeof Guild>;
