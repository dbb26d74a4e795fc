import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { updatedAt } from './base.js';

export type FetchStatus = 'pending' | 'ok' | 'not_found' | 'error';

/** The full projection of one character: what the character view serves. Written only by the worker. */
export const CharacterProgress = defineEntity({
  name: 'CharacterProgress',
  tableName: 'character_progress',
  properties: {
    characterId: p.bigint('number').primary().autoincrement(false),
    fetchStatus: p.text().$type<FetchStatus>().default('pending'),
    itemLevel: p.double().$type<number>().nullable(),
    equippedItems: p.json<unknown[]>().default('[]'),
    gearPriorities: p.json<unknown[]>().default('[]'),
    audit: p.json<Record<string, unknown>>().nullable(),
    targetIlvl: p.double().$type<number>().nullable(),
    currentWeek: p.integer().nullable(),
    gap: p.double().$type<number>().nullable(),
    status: p.text().default('unknown'),
    fetchedAt: p.datetime().nullable(),
    lastModified: p.text().nullable(),
    profileLastModified: p.text().nullable(),
    lastError: p.text().nullable(),
    lastErrorAt: p.datetime().nullable(),
    notFoundAt: p.datetime().nullable(),
    updatedAt: updatedAt(),
  },
});
export type CharacterProgress = InferEntity<typeof CharacterProgress>;
