import { z } from 'zod';
import { GUILD_EVENT_TYPES } from '../../outbound/events.js';
import { guildIdSchema, integerString, timestamp } from './common.js';

/** At most this many event endpoints per guild: each event is delivered to every one of them. */
export const MAX_ENDPOINTS_PER_GUILD = 10;

const outboundUrl = z.string().max(2000, 'must be at most 2000 characters');

export const endpointParams = z.object({ guild_id: guildIdSchema, endpoint_id: integerString(1, 2_147_483_647) });

export const endpointCreateBody = z
  .object({
    url: outboundUrl.meta({ description: 'An https URL; refused when its host resolves to a loopback, private, link-local or metadata address', example: 'https://hooks.example.com/progress' }),
    event_types: z
      .array(z.enum(GUILD_EVENT_TYPES))
      .min(1, 'must name at least one event type')
      .refine((types) => new Set(types).size === types.length, 'must not name an event type twice')
      .meta({ description: 'The events this endpoint receives' }),
    description: z.string().max(200, 'must be at most 200 characters').optional().meta({ description: 'A note for officers', example: 'Spreadsheet sync' }),
  })
  .meta({ id: 'EventEndpointCreate' });

const endpointFields = {
  id: z.number().int(),
  url: z.string(),
  event_types: z.array(z.enum(GUILD_EVENT_TYPES)),
  description: z.string().nullable(),
  enabled: z.boolean(),
  disabled_at: timestamp.nullable(),
  disabled_reason: z.string().nullable().meta({ description: 'Why it was disabled: every delivery failed for a day, and the last failure' }),
  failing_since: timestamp.nullable().meta({ description: 'Start of the current run of failed deliveries; null after a success' }),
  last_success_at: timestamp.nullable(),
  created_by: z.number().int(),
  created_at: timestamp,
};

export const endpointSchema = z.object(endpointFields).meta({ id: 'EventEndpoint' });

export const endpointCreatedSchema = z
  .object({
    ...endpointFields,
    secret: z.string().meta({ description: 'The signing secret: shown this once, never again', example: 'whsec_…' }),
  })
  .meta({ id: 'EventEndpointCreated' });

export const endpointListSchema = z
  .object({ guild_id: z.number().int(), endpoints: z.array(endpointSchema) })
  .meta({ id: 'EventEndpointList' });

export const deliveriesQuery = z.object({ limit: integerString(1, 100, 20) });

export const deliveriesSchema = z
  .object({
    endpoint_id: z.number().int(),
    deliveries: z.array(z.object({
      event_id: z.string().meta({ description: 'The `id` of the event: the same on every retry' }),
      event_type: z.enum(GUILD_EVENT_TYPES),
      status: z.enum(['pending', 'delivered', 'failed']),
      attempts: z.number().int(),
      last_status_code: z.number().int().nullable(),
      last_error: z.string().nullable(),
      created_at: timestamp,
      last_attempt_at: timestamp.nullable(),
    })),
  })
  .meta({ id: 'EventDeliveries' });

export const discordBody = z
  .object({ url: outboundUrl.meta({ description: 'A Discord webhook URL (https://discord.com/api/webhooks/<id>/<token>)' }) })
  .meta({ id: 'DiscordWebhookWrite' });

export const discordSchema = z
  .object({
    guild_id: z.number().int(),
    configured: z.boolean(),
    url_hint: z.string().nullable().meta({ description: "Host and webhook id; the token is never shown back", example: 'discord.com/api/webhooks/1234/…' }),
    updated_by: z.number().int().nullable(),
    updated_at: timestamp.nullable(),
  })
  .meta({ id: 'DiscordWebhook' });

export const discordTestSchema = z
  .object({
    delivered: z.boolean(),
    status: z.number().int().nullable().meta({ description: "Discord's HTTP status, when it answered" }),
    error: z.string().nullable(),
  })
  .meta({ id: 'DiscordTestResult' });

export type EndpointJson = z.infer<typeof endpointSchema>;
export type DeliveriesJson = z.infer<typeof deliveriesSchema>;
export type DiscordJson = z.infer<typeof discordSchema>;
