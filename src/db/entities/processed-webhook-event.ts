import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/**
 * The webhook inbox: every accepted event with its payload and processing state, keyed by guild-api's id so a
 * redelivery is accepted and ignored. `seq` is assigned by the database in arrival order.
 */
export const ProcessedWebhookEvent = defineEntity({
  name: 'ProcessedWebhookEvent',
  tableName: 'processed_webhook_events',
  properties: {
    id: p.text().primary(),
    seq: p.bigint('number').persist(false),
    type: p.text(),
    guildId: p.integer().nullable(),
    occurredAt: p.datetime().nullable(),
    payload: p.json<unknown>().nullable(),
    state: p.text().default('pending'),
    attempts: p.integer().default(0),
    lastError: p.text().nullable(),
    receivedAt: p.datetime().defaultRaw('now()'),
    processedAt: p.datetime().nullable(),
  },
});
export type ProcessedWebhookEvent = InferEntity<typeof ProcessedWebhookEvent>;
