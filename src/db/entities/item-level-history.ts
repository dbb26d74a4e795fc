import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** One point per character per day: the last item level seen that day. */
export const ItemLevelHistory = defineEntity({
  name: 'ItemLevelHistory',
  tableName: 'item_level_history',
  properties: {
    characterId: p.bigint('number').primary(),
    day: p.date().primary(),
    itemLevel: p.double().$type<number>(),
    recordedAt: p.datetime().defaultRaw('now()'),
  },
});
export type ItemLevelHistory = InferEntity<typeof ItemLevelHistory>;
