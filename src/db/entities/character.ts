import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { updatedAt } from './base.js';

/** A character's identity. (region, realmSlug, nameKey) is the natural key; nameKey is the lower-cased name. */
export const Character = defineEntity({
  name: 'Character',
  tableName: 'characters',
  uniques: [{ name: 'characters_natural_key', properties: ['region', 'realmSlug', 'nameKey'] }],
  properties: {
    id: p.bigint('number').primary(),
    region: p.text(),
    realmSlug: p.text(),
    nameKey: p.text(),
    name: p.text(),
    blizzardId: p.bigint('number').nullable(),
    className: p.text().nullable(),
    specName: p.text().nullable(),
    role: p.text().nullable(),
    level: p.integer().nullable(),
    ownerBnetId: p.bigint('number').nullable(),
    createdAt: p.datetime().defaultRaw('now()'),
    updatedAt: updatedAt(),
  },
});
export type Character = InferEntity<typeof Character>;
