import { OpenAPIRegistry, OpenApiGeneratorV31, type ResponseConfig, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { webhookEnvelopeSchema, webhookEventSchema } from '../queue/membership-event.js';
import { characterDetailSchema, characterHistorySchema, myCharactersSchema, pendingSchema } from './schemas/characters.js';
import { comparisonSchema } from './schemas/comparisons.js';
import { errorSchema } from './schemas/common.js';
import { membersSchema } from './schemas/members.js';
import { historySchema, messageSchema } from './schemas/message.js';
import { roadmapSchema } from './schemas/roadmap.js';
import { characterHistoryInput, characterInput, myCharactersInput } from './routes/characters.js';
import { comparisonsInput } from './routes/comparisons.js';
import { membersInput } from './routes/members.js';
import { historyInput, messageClearInput, messageReadInput, messageWriteInput } from './routes/message.js';
import { roadmapInput, roadmapWriteInput } from './routes/roadmap.js';
import { apiTokenCreateInput, apiTokenInput, apiTokensInput } from './routes/api-tokens.js';
import { apiTokensSchema, createdApiTokenSchema, revokedApiTokenSchema } from './schemas/api-tokens.js';
import { teamPlanCreateInput, teamPlanInput, teamPlansInput, teamPlanUpdateInput } from './routes/team-plans.js';
import { teamPlanHistorySchema, teamPlanSchema, teamPlansSchema } from './schemas/team-plans.js';
import {
  deliveriesInput, discordReadInput, discordWriteInput, endpointCreateInput, endpointInput, endpointListInput,
} from './routes/integrations.js';
import {
  deliveriesSchema, discordSchema, discordTestSchema, endpointCreatedSchema, endpointListSchema, endpointSchema,
} from './schemas/integrations.js';

type Headers = NonNullable<ResponseConfig['headers']>;
type Header = { description: string; required?: boolean; schema: { type: 'integer' | 'string'; minimum?: number; example?: unknown } };

/** Seconds to wait before asking again: on 202 (still fetching), 429 (over the limit) and some 503s. */
const RETRY_AFTER: Header = { description: 'Seconds to wait before asking again', schema: { type: 'integer', minimum: 1 } };

/** Every request past the rate limiter carries its budget (every route but webhooks, health, readiness and metrics). */
const RATE_LIMIT: Record<string, Header> = {
  'RateLimit-Limit': { description: 'Requests allowed per minute', required: true, schema: { type: 'integer', minimum: 1 } },
  'RateLimit-Remaining': { description: 'Requests left in the current minute', required: true, schema: { type: 'integer', minimum: 0 } },
  'RateLimit-Reset': { description: 'Seconds until the window frees a request', required: true, schema: { type: 'integer', minimum: 1 } },
};

const CSV_DISPOSITION: Header = {
  description: 'With format=csv: `attachment; filename="…"`, the file name a browser saves it under',
  schema: { type: 'string', example: 'attachment; filename="guild-42-members.csv"' },
};

function withHeaders(response: ResponseConfig, headers: Record<string, Header>): ResponseConfig {
  return { ...response, headers: { ...(response.headers as Record<string, Header> | undefined), ...headers } as Headers };
}

const json = (schema: z.ZodType, description: string): ResponseConfig => ({ description, content: { 'application/json': { schema } } });
const error = (description: string): ResponseConfig => json(errorSchema, description);
const limited = (response: ResponseConfig): ResponseConfig => withHeaders(response, RATE_LIMIT);

/** Every guarded route can answer these; each route adds its own. */
const GUARDED: Record<number, ResponseConfig> = {
  400: error('Invalid parameter (each named in details, with what is wrong)'),
  401: error('Not authenticated: code not_authenticated (no token), token_expired (refresh it) or token_invalid (also an unknown or revoked API token)'),
  403: error('Access denied (an API token: read_only_token for a write, insufficient_scope for a route its scopes do not cover, or another guild)'),
  429: withHeaders(error('Too many requests'), { 'Retry-After': { ...RETRY_AFTER, required: true } }),
  503: withHeaders(error('guild-api or the database is unavailable'), { 'Retry-After': RETRY_AFTER }),
};

const ETAG: Header = {
  description: "Entity tag of the JSON body; sent back in If-None-Match, it gets 304 with no body while it is still the body's",
  schema: { type: 'string', example: '"2jmj7l5rSw0yVb_vlWAYkK_YBwk"' },
};
const NOT_MODIFIED: ResponseConfig = withHeaders(
  { description: 'If-None-Match names the current ETag: no body, the copy the client holds is current' },
  { ETag: { ...ETAG, required: true } },
);

const pending = (description: string): ResponseConfig =>
  withHeaders(json(pendingSchema, description), { 'Retry-After': { ...RETRY_AFTER, required: true } });

const jsonOrCsv = (schema: z.ZodType, description: string): ResponseConfig =>
  withHeaders({ description, content: { 'application/json': { schema }, 'text/csv': { schema: z.string() } } }, { 'Content-Disposition': CSV_DISPOSITION });

type Input = { params?: z.ZodType; query?: z.ZodType; body?: z.ZodType };

/** The routes' own input objects; params and query are always zod objects there. */
type Request = NonNullable<RouteConfig['request']>;

function request(input: Input): Request {
  return {
    params: input.params as Request['params'],
    query: input.query as Request['query'],
    body: input.body ? { content: { 'application/json': { schema: input.body } }, required: true } : undefined,
  };
}

type GuildRoute = Omit<RouteConfig, 'request' | 'responses' | 'operationId' | 'tags'> & {
  operationId: string;
  tag: string;
  input: Input;
  responses: Record<number, ResponseConfig>;
};

/** A guild route: token auth, the guarded answers, and the rate limit headers on every answer. */
function register(registry: OpenAPIRegistry, route: GuildRoute): void {
  const { input, tag, responses, ...rest } = route;
  const all = Object.fromEntries(Object.entries({ ...responses, ...GUARDED }).map(([status, r]) => [status, limited(r)]));
  registry.registerPath({ ...rest, tags: [tag], security: [{ cookie: [] }, { bearer: [] }], request: request(input), responses: all });
}

/** One schema per webhook event type: the envelope with that type's `data`, so clients see every shape. */
function webhookEventSchemas() {
  const envelope = webhookEnvelopeSchema.omit({ type: true, data: true });
  const names: Record<string, string> = {
    'member.joined': 'WebhookMemberJoined', 'member.left': 'WebhookMemberLeft', 'member.rank_changed': 'WebhookMemberRankChanged',
    'guild.roster_changed': 'WebhookGuildRosterChanged', 'user.characters_changed': 'WebhookUserCharactersChanged',
  };
  const events = webhookEventSchema.options.map((option) =>
    envelope.extend(option.shape).meta({ id: names[option.shape.type.value] ?? option.shape.type.value }),
  );
  return z.discriminatedUnion('type', events as unknown as [typeof events[number], ...typeof events]).meta({ id: 'WebhookEvent' });
}

const healthSchema = z
  .object({
    status: z.enum(['healthy', 'unhealthy']),
    service: z.string(),
    database: z.enum(['connected', 'disconnected']),
    redis: z.enum(['connected', 'disconnected']),
    timestamp: z.string().meta({ format: 'date-time' }),
  })
  .meta({ id: 'Health' });
const readySchema = z.object({ ready: z.boolean() }).meta({ id: 'Ready' });

/** Event endpoints and the Discord reset digest (Officer+). */
function registerIntegrations(registry: OpenAPIRegistry): void {
  const endpoints = '/guilds/{guild_id}/progress/integrations/events/endpoints';
  const discord = '/guilds/{guild_id}/progress/integrations/discord';
  const noContent: ResponseConfig = { description: 'Done' };
  const bodyErrors = {
    413: error('Body over 16 KiB'),
    415: error('Not JSON, or an encoding other than gzip, deflate or br'),
  };
  register(registry, {
    method: 'get', path: endpoints, operationId: 'listEventEndpoints', tag: 'integrations',
    summary: "The guild's event endpoints, with their state (Officer+)",
    input: endpointListInput, responses: { 200: json(endpointListSchema, 'Every endpoint, oldest first; secrets are never listed') },
  });
  register(registry, {
    method: 'post', path: endpoints, operationId: 'createEventEndpoint', tag: 'integrations',
    summary: 'Register an https endpoint for some event types (Officer+); its signing secret is in this answer only',
    input: endpointCreateInput,
    responses: {
      201: json(endpointCreatedSchema, 'The endpoint, with its secret shown this once'),
      409: error('The guild already has 10 endpoints'),
      ...bodyErrors,
      422: error('Not an https URL, a host that resolves to a loopback, private, link-local or metadata address, or unknown event types'),
    },
  });
  register(registry, {
    method: 'delete', path: `${endpoints}/{endpoint_id}`, operationId: 'deleteEventEndpoint', tag: 'integrations',
    summary: 'Delete an endpoint and its delivery log (Officer+); deleting one already gone is not an error',
    input: endpointInput, responses: { 204: noContent },
  });
  register(registry, {
    method: 'post', path: `${endpoints}/{endpoint_id}/enable`, operationId: 'enableEventEndpoint', tag: 'integrations',
    summary: 'Enable an endpoint again after it was disabled for a day of failures (Officer+)',
    input: endpointInput, responses: { 200: json(endpointSchema, 'The endpoint, enabled'), 404: error('No such endpoint in this guild') },
  });
  register(registry, {
    method: 'get', path: `${endpoints}/{endpoint_id}/deliveries`, operationId: 'listEventDeliveries', tag: 'integrations',
    summary: 'The last deliveries to an endpoint: status, attempts, time (Officer+)',
    input: deliveriesInput, responses: { 200: json(deliveriesSchema, 'Newest first'), 404: error('No such endpoint in this guild') },
  });
  register(registry, {
    method: 'get', path: discord, operationId: 'getDiscordWebhook', tag: 'integrations',
    summary: "Whether the guild has a Discord webhook for the reset digest (Officer+); the URL's token is never shown",
    input: discordReadInput, responses: { 200: json(discordSchema, 'The setting') },
  });
  register(registry, {
    method: 'put', path: discord, operationId: 'setDiscordWebhook', tag: 'integrations',
    summary: 'Set the Discord webhook the reset digest is posted to (Officer+)',
    input: discordWriteInput,
    responses: { 200: json(discordSchema, 'The setting as stored'), ...bodyErrors, 422: error('Not a Discord webhook URL, or a refused destination') },
  });
  register(registry, {
    method: 'delete', path: discord, operationId: 'deleteDiscordWebhook', tag: 'integrations',
    summary: 'Stop posting the reset digest to Discord (Officer+)',
    input: discordReadInput, responses: { 204: noContent },
  });
  register(registry, {
    method: 'post', path: `${discord}/test`, operationId: 'testDiscordWebhook', tag: 'integrations',
    summary: "Post a sample digest of this week to the guild's Discord webhook now (Officer+)",
    input: discordReadInput,
    responses: { 200: json(discordTestSchema, "Whether Discord took it, and its status"), 404: error('No Discord webhook is set') },
  });
}

/** The operational routes: probes, metrics, this document and the queue dashboard. None takes a token. */
function registerOperations(registry: OpenAPIRegistry): void {
  const text = (type: string, description: string): ResponseConfig => ({ description, content: { [type]: { schema: z.string() } } });
  registry.registerPath({
    method: 'get', path: '/health', operationId: 'getHealth', tags: ['operations'], security: [],
    summary: 'Liveness, with the state of PostgreSQL and Redis (never rate limited)',
    responses: { 200: json(healthSchema, 'Both dependencies answer'), 503: json(healthSchema, 'A dependency does not answer') },
  });
  registry.registerPath({
    method: 'get', path: '/ready', operationId: 'getReady', tags: ['operations'], security: [],
    summary: 'Readiness for the orchestrator: dependencies up and not shutting down (never rate limited)',
    responses: { 200: json(readySchema, 'Ready'), 503: json(readySchema, 'Not ready') },
  });
  registry.registerPath({
    method: 'get', path: '/metrics', operationId: 'getMetrics', tags: ['operations'], security: [],
    summary: 'Prometheus metrics (never rate limited)',
    responses: { 200: text('text/plain', 'Prometheus text exposition format') },
  });
  registry.registerPath({
    method: 'get', path: '/openapi.json', operationId: 'getOpenApiDocument', tags: ['operations'], security: [],
    summary: 'This document',
    responses: { 200: limited(json(z.record(z.string(), z.unknown()), 'The OpenAPI 3.1 document')), 429: limited(GUARDED[429]!) },
  });
  registry.registerPath({
    method: 'get', path: '/admin/queues', operationId: 'getQueueDashboard', tags: ['admin'], security: [{ basic: [] }],
    summary: 'bull-board over every queue (HTTP basic auth); it retries and removes failed jobs and changes nothing else',
    responses: {
      200: limited(text('text/html', 'The dashboard')),
      401: limited(withHeaders(error('Missing or wrong credentials'), { 'WWW-Authenticate': { description: 'Basic realm', required: true, schema: { type: 'string' } } })),
      404: limited(error('Not mounted: no dashboard credentials are configured')),
      429: limited(GUARDED[429]!),
    },
  });
}

/** Team target plans: officers read them, the Guild Master writes them; every change is a version. */
function registerTeamPlans(registry: OpenAPIRegistry): void {
  const writeErrors = {
    413: error('Body over 16 KiB'),
    415: error('Not JSON, or an encoding other than gzip, deflate or br'),
    422: error('No rank and no member, both or neither of offset and weeks, or a week or target out of range (each named in details)'),
  };
  register(registry, {
    method: 'get', path: '/guilds/{guild_id}/progress/team-plans', operationId: 'listTeamPlans', tag: 'roadmap',
    summary: 'The team target plans in force, with each team’s target this week (Officer+)',
    input: teamPlansInput, responses: { 200: json(teamPlansSchema, 'Oldest plan first (an earlier plan wins a member two plans cover alike)') },
  });
  register(registry, {
    method: 'post', path: '/guilds/{guild_id}/progress/team-plans', operationId: 'createTeamPlan', tag: 'roadmap',
    summary: 'Create a team target plan (Guild Master only)',
    input: teamPlanCreateInput,
    responses: { 201: json(teamPlanSchema, 'The plan as stored'), 409: error('The guild already has 20 team plans'), ...writeErrors },
  });
  register(registry, {
    method: 'put', path: '/guilds/{guild_id}/progress/team-plans/{plan_id}', operationId: 'updateTeamPlan', tag: 'roadmap',
    summary: 'Save a new version of a team target plan (Guild Master only)',
    input: teamPlanUpdateInput,
    responses: { 200: json(teamPlanSchema, 'The new version'), 404: error('No such plan in this guild, or it was retired'), ...writeErrors },
  });
  register(registry, {
    method: 'delete', path: '/guilds/{guild_id}/progress/team-plans/{plan_id}', operationId: 'retireTeamPlan', tag: 'roadmap',
    summary: 'Retire a team target plan (Guild Master only): its members follow the guild’s plan again, its history stays',
    input: teamPlanInput,
    responses: { 200: json(teamPlanSchema, 'The retiring version'), 404: error('No such plan in this guild, or it was retired') },
  });
  register(registry, {
    method: 'get', path: '/guilds/{guild_id}/progress/team-plans/{plan_id}/history', operationId: 'getTeamPlanHistory', tag: 'roadmap',
    summary: 'Every version of a team target plan (Officer+)',
    input: teamPlanInput,
    responses: { 200: json(teamPlanHistorySchema, 'Newest first'), 404: error('No such plan in this guild') },
  });
}

/** Read-only API tokens: officers create, list and revoke them; a token itself is taken as a bearer token. */
function registerApiTokens(registry: OpenAPIRegistry): void {
  register(registry, {
    method: 'get', path: '/guilds/{guild_id}/progress/tokens', operationId: 'listApiTokens', tag: 'tokens',
    summary: 'The guild’s read-only API tokens that are not revoked, with their last use (Officer+)',
    input: apiTokensInput, responses: { 200: json(apiTokensSchema, 'Oldest first; never the tokens themselves') },
  });
  register(registry, {
    method: 'post', path: '/guilds/{guild_id}/progress/tokens', operationId: 'createApiToken', tag: 'tokens',
    summary: 'Create a read-only API token (Officer+): the answer is the only time the token is shown',
    input: apiTokenCreateInput,
    responses: {
      201: json(createdApiTokenSchema, 'The token with its id, name and scopes'),
      409: error('The guild already has 25 tokens'),
      413: error('Body over 16 KiB'),
      415: error('Not JSON, or an encoding other than gzip, deflate or br'),
    },
  });
  register(registry, {
    method: 'delete', path: '/guilds/{guild_id}/progress/tokens/{token_id}', operationId: 'revokeApiToken', tag: 'tokens',
    summary: 'Revoke a read-only API token (Officer+): refused from the next request on',
    input: apiTokenInput,
    responses: { 200: json(revokedApiTokenSchema, 'The revoked token'), 404: error('No such live token in this guild') },
  });
}

/** The OpenAPI 3.1 document, generated from the very zod schemas the routes validate with and answer in. */
export function buildOpenApiDocument(): object {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'cookie', { type: 'apiKey', in: 'cookie', name: 'access_token' });
  registry.registerComponent('securitySchemes', 'bearer', {
    type: 'http', scheme: 'bearer', bearerFormat: 'JWT',
    description: "guild-api's access token, or a read-only API token (pat_…) on the routes that take its scopes: the overview (overview, csv) and character views (characters); any write with one is 403 read_only_token",
  });
  registry.registerComponent('securitySchemes', 'basic', { type: 'http', scheme: 'basic' });
  registry.registerComponent('securitySchemes', 'webhookSignature', {
    type: 'apiKey', in: 'header', name: 'X-Webhook-Signature',
    description: 'sha256=<hex HMAC-SHA256 of "<X-Webhook-Timestamp>.<raw body>" with the shared webhook secret>',
  });

  register(registry, {
    method: 'get', path: '/guilds/{guild_id}/progress/characters', operationId: 'listMyCharacters', tag: 'characters',
    summary: "The caller's characters in this guild",
    input: myCharactersInput, responses: { 200: json(myCharactersSchema, 'Characters with progress') },
  });
  register(registry, {
    method: 'get', path: '/guilds/{guild_id}/progress/character/{character_name}', operationId: 'getCharacter', tag: 'characters',
    summary: 'One character with gear and priorities',
    input: characterInput,
    responses: {
      200: withHeaders(json(characterDetailSchema, 'The character'), { ETag: { ...ETAG, required: true } }),
      202: pending('First fetch still running; ask again after Retry-After'),
      304: NOT_MODIFIED,
      404: error('Not a member of this guild, unknown to Battle.net, or a former name (the message and details name the new one)'),
    },
  });
  register(registry, {
    method: 'get', path: '/guilds/{guild_id}/progress/character/{character_name}/history', operationId: 'getCharacterHistory', tag: 'characters',
    summary: 'Daily item levels of a member and the weekly target line, up to three years back',
    input: characterHistoryInput,
    responses: {
      200: jsonOrCsv(characterHistorySchema, 'The history, or one line per day as CSV (date, ilvl, week, target_ilvl) with format=csv'),
      404: error('Not a member of this guild, unknown to Battle.net, or a former name (the message and details name the new one)'),
    },
  });
  register(registry, {
    method: 'get', path: '/guilds/{guild_id}/progress/members', operationId: 'getOverview', tag: 'overview',
    summary: 'Officer overview of every member (Officer+)',
    input: membersInput,
    responses: {
      200: withHeaders(jsonOrCsv(membersSchema, 'Members, or the same rows as CSV (UTF-8 with a byte-order mark) with format=csv'), { ETag: { ...ETAG, description: `JSON only. ${ETAG.description}` } }),
      304: NOT_MODIFIED,
      404: error('`plan` names no team plan of this guild'),
    },
  });
  register(registry, {
    method: 'get', path: '/guilds/{guild_id}/progress/message', operationId: 'getMessage', tag: 'message',
    summary: "The GM's current message",
    input: messageReadInput, responses: { 200: json(messageSchema, 'The message, gm_message null when none') },
  });
  register(registry, {
    method: 'put', path: '/guilds/{guild_id}/progress/message', operationId: 'setMessage', tag: 'message',
    summary: "Set the GM's message (Guild Master only); an empty message clears it",
    input: messageWriteInput,
    responses: {
      200: json(messageSchema, 'The message as stored'),
      413: error('Body over 16 KiB'),
      415: error('Not JSON, or an encoding other than gzip, deflate or br'),
      422: error('Longer than 2000 characters'),
    },
  });
  register(registry, {
    method: 'delete', path: '/guilds/{guild_id}/progress/message', operationId: 'clearMessage', tag: 'message',
    summary: "Clear the GM's message (Guild Master only); the clearing is kept in the history",
    input: messageClearInput, responses: { 200: json(messageSchema, 'The cleared message: gm_message null, with who cleared it and when') },
  });
  register(registry, {
    method: 'get', path: '/guilds/{guild_id}/progress/message/history', operationId: 'getMessageHistory', tag: 'message',
    summary: 'Every version of the message (Officer+)',
    input: historyInput, responses: { 200: json(historySchema, 'Newest first') },
  });
  register(registry, {
    method: 'get', path: '/guilds/{guild_id}/progress/roadmap', operationId: 'getRoadmap', tag: 'roadmap',
    summary: "Every weekly target the guild follows: its own plan or the season's",
    input: roadmapInput, responses: { 200: json(roadmapSchema, 'The plan, always listing the current week') },
  });
  register(registry, {
    method: 'put', path: '/guilds/{guild_id}/progress/roadmap', operationId: 'setRoadmap', tag: 'roadmap',
    summary: "Set the guild's own weekly targets (Guild Master only)",
    input: roadmapWriteInput,
    responses: {
      200: json(roadmapSchema, 'The roadmap under the saved plan'),
      413: error('Body over 16 KiB'),
      415: error('Not JSON, or an encoding other than gzip, deflate or br'),
      422: error('No week, a week below 1 or listed twice, or a target outside 1–1000 (each named in details)'),
    },
  });
  registerTeamPlans(registry);
  registerApiTokens(registry);
  register(registry, {
    method: 'get', path: '/guilds/{guild_id}/progress/comparisons', operationId: 'getComparison', tag: 'comparisons',
    summary: 'WarcraftLogs ranking of the guild (or another) and the realm around it',
    input: comparisonsInput,
    responses: {
      200: json(comparisonSchema, 'The ranking'),
      202: pending('First fetch still running; ask again after Retry-After'),
      404: error('Guild unknown to WarcraftLogs'),
    },
  });
  registerIntegrations(registry);
  registry.registerPath({
    method: 'post', path: '/webhooks/guild-api', operationId: 'receiveGuildApiEvent', tags: ['webhooks'], security: [{ webhookSignature: [] }],
    summary: 'Signed membership events from guild-api (never rate limited)',
    request: {
      headers: z.object({
        'x-webhook-timestamp': z.string().regex(/^\d+$/).meta({ description: 'Unix seconds; within 5 minutes of our clock', example: '1764417600' }),
        'x-webhook-signature': z.string().meta({ example: 'sha256=…' }),
      }),
      body: { content: { 'application/json': { schema: webhookEventSchemas() } }, required: true },
    },
    responses: {
      202: json(z.object({ accepted: z.literal(true) }).meta({ id: 'WebhookAccepted' }), 'Accepted (or a replay, ignored)'),
      401: error('Missing or bad signature (invalid_signature), or a timestamp outside the window (stale_timestamp)'),
      413: error('Body over 64 KiB'),
      415: error('A Content-Encoding: the signature covers the bytes as sent'),
      422: error('Malformed body or unknown event type; details name each field and what is wrong'),
      503: error('Webhooks disabled (no secret configured), or the database is unavailable'),
    },
  });
  registerOperations(registry);

  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: { title: 'progress-api', version: '1.0.0', description: 'Gear progression of World of Warcraft guilds against the weekly item-level plan' },
    servers: [{ url: '/', description: 'The api that serves this document' }],
    tags: [
      { name: 'characters', description: "A member's own characters, one character's gear and its history" },
      { name: 'overview', description: "The officers' view of the whole guild" },
      { name: 'message', description: "The Guild Master's weekly message" },
      { name: 'roadmap', description: 'Weekly item-level targets' },
      { name: 'comparisons', description: 'WarcraftLogs rankings' },
      { name: 'tokens', description: 'Read-only API tokens of a guild' },
      { name: 'integrations', description: "Officers' event endpoints (signed change events) and the Discord reset digest" },
      { name: 'webhooks', description: "guild-api's signed membership events" },
      { name: 'operations', description: 'Probes, metrics and this document' },
      { name: 'admin', description: 'The queue dashboard' },
    ],
  });
}
