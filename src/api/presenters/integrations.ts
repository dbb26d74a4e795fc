import type { EventDelivery } from '../../db/tables/event-deliveries.js';
import type { EventEndpoint } from '../../db/tables/event-endpoints.js';
import type { DiscordWebhook } from '../../db/tables/guild-discord-webhooks.js';
import type { GuildEventType } from '../../outbound/events.js';
import type { DeliveriesJson, DiscordJson, EndpointJson } from '../schemas/integrations.js';

export function presentEndpoint(e: EventEndpoint): EndpointJson {
  return {
    id: e.id,
    url: e.url,
    event_types: e.eventTypes as GuildEventType[],
    description: e.description,
    enabled: e.disabledAt === null,
    disabled_at: e.disabledAt,
    disabled_reason: e.disabledReason,
    failing_since: e.failingSince,
    last_success_at: e.lastSuccessAt,
    created_by: e.createdBy,
    created_at: e.createdAt,
  };
}

export function presentDeliveries(endpointId: number, deliveries: EventDelivery[]): DeliveriesJson {
  return {
    endpoint_id: endpointId,
    deliveries: deliveries.map((d) => ({
      event_id: d.eventId,
      event_type: d.eventType as GuildEventType,
      status: d.status,
      attempts: d.attempts,
      last_status_code: d.lastStatusCode,
      last_error: d.lastError,
      created_at: d.createdAt,
      last_attempt_at: d.lastAttemptAt,
    })),
  };
}

export function presentDiscord(guildId: number, w: DiscordWebhook | undefined): DiscordJson {
  return { guild_id: guildId, configured: w !== undefined, url_hint: w?.urlHint ?? null, updated_by: w?.updatedBy ?? null, updated_at: w?.updatedAt ?? null };
}
