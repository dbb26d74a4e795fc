import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** Ids of webhook events already acted on, so a redelivery is accepted and ignored. */
export const ProcessedWebhookEvent = defineEntity({
  name: 'ProcessedWebhookEvent',
  tableName: 'processed_webhook_events',
  properties: {
    id: p.text().primary(),
    type: p.text(),
    guildId: p.integer().nullable(),
    receivedAt: p.datetime().defaultRaw('now()'),
  },
});
export type ProcessedWebhookEvent = InferEntity<typeof ProcessedWebhookEvent>;
