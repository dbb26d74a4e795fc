import { OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { webhookEnvelopeSchema } from '../queue/membership-event.js';
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

const json = (schema: z.ZodType, description: string) => ({ description, content: { 'application/json': { schema } } });
const error = (description: string) => json(errorSchema, description);

/** Every guarded route can answer these; each route adds its own. */
const GUARDED = {
  400: error('Invalid parameter (named in details)'),
  401: error('Not authenticated'),
  403: error('Access denied'),
  429: error('Too many requests (see Retry-After)'),
  503: error('guild-api or the database is unavailable'),
};

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

function register(registry: OpenAPIRegistry, route: Omit<RouteConfig, 'request'> & { input: Input }): void {
  const { input, ...rest } = route;
  registry.registerPath({ ...rest, security: [{ cookie: [] }, { bearer: [] }], request: request(input) });
}

/** The OpenAPI 3.1 document, generated from the very zod schemas the routes validate with and answer in. */
export function buildOpenApiDocument(): object {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'cookie', { type: 'apiKey', in: 'cookie', name: 'access_token' });
  registry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });

  register(registry, {
    method: 'get', path: '/guilds/{guild_id}/progress/characters', summary: "The caller's characters in this guild",
    input: myCharactersInput, responses: { 200: json(myCharactersSchema, 'Characters with progress'), ...GUARDED },
  });
  register(registry, {
    method: 'get', path: '/guilds/{guild_id}/progress/character/{character_name}', summary: 'One character with gear and priorities',
    input: characterInput,
    responses: {
      200: json(characterDetailSchema, 'The character'),
      202: json(pendingSchema, 'First fetch still running; retry after Retry-After'),
      404: error('Not a member of this guild, or unknown to Battle.net'),
      ...GUARDED,
    },
  });
  register(registry, {
    method: 'get', path: '/guilds/{guild_id}/progress/character/{character_name}/history',
    summary: 'Daily item levels of a member and the weekly target line, up to three years back',
    input: characterHistoryInput,
    responses: {
      200: {
        description: 'The history, or one line per day as CSV (date, ilvl, week, target_ilvl) with format=csv',
        content: { 'application/json': { schema: characterHistorySchema }, 'text/csv': { schema: z.string() } },
      },
      404: error('Not a member of this guild, or unknown to Battle.net'),
      ...GUARDED,
    },
  });
  register(registry, {
    method: 'get', path: '/guilds/{guild_id}/progress/members', summary: 'Officer overview of every member (Officer+)',
    input: membersInput,
    responses: {
      200: { description: 'Members, or the same rows as CSV with format=csv', content: { 'application/json': { schema: membersSchema }, 'text/csv': { schema: z.string() } } },
      ...GUARDED,
    },
  });
  register(registry, {
    method: 'get', path: '/guilds/{guild_id}/progress/message', summary: "The GM's current message",
    input: messageReadInput, responses: { 200: json(messageSchema, 'The message, gm_message null when none'), ...GUARDED },
  });
  register(registry, {
    method: 'put', path: '/guilds/{guild_id}/progress/message', summary: "Set the GM's message (Guild Master only)",
    input: messageWriteInput,
    responses: {
      200: json(messageSchema, 'The message as stored'),
      413: error('Body over 16 KiB'),
      415: error('Not JSON'),
      422: error('Longer than 2000 characters (an empty message clears it)'),
      ...GUARDED,
    },
  });
  register(registry, {
    method: 'delete', path: '/guilds/{guild_id}/progress/message', summary: "Clear the GM's message (Guild Master only); the clearing is kept in the history",
    input: messageClearInput, responses: { 200: json(messageSchema, 'The cleared message: gm_message null, with who cleared it and when'), ...GUARDED },
  });
  register(registry, {
    method: 'get', path: '/guilds/{guild_id}/progress/message/history', summary: 'Every version of the message (Officer+)',
    input: historyInput, responses: { 200: json(historySchema, 'Newest first'), ...GUARDED },
  });
  register(registry, {
    method: 'get', path: '/guilds/{guild_id}/progress/roadmap', summary: "Every weekly target the guild follows: its own plan or the season's",
    input: roadmapInput, responses: { 200: json(roadmapSchema, 'The plan, always listing the current week'), ...GUARDED },
  });
  register(registry, {
    method: 'put', path: '/guilds/{guild_id}/progress/roadmap', summary: "Set the guild's own weekly targets (Guild Master only)",
    input: roadmapWriteInput,
    responses: {
      200: json(roadmapSchema, 'The roadmap under the saved plan'),
      413: error('Body over 16 KiB'),
      415: error('Not JSON'),
      422: error('No week, a week below 1 or listed twice, or a target outside 1–1000'),
      ...GUARDED,
    },
  });
  register(registry, {
    method: 'get', path: '/guilds/{guild_id}/progress/comparisons', summary: 'WarcraftLogs ranking of the guild (or another)',
    input: comparisonsInput,
    responses: {
      200: json(comparisonSchema, 'The ranking'),
      202: json(pendingSchema, 'First fetch still running'),
      404: error('Guild unknown to WarcraftLogs'),
      ...GUARDED,
    },
  });
  registry.registerPath({
    method: 'post', path: '/webhooks/guild-api', summary: 'Signed membership events from guild-api',
    request: {
      headers: z.object({ 'x-webhook-timestamp': z.string(), 'x-webhook-signature': z.string().meta({ example: 'sha256=…' }) }),
      body: { content: { 'application/json': { schema: webhookEnvelopeSchema } }, required: true },
    },
    responses: {
      202: json(z.object({ accepted: z.literal(true) }), 'Accepted (or a replay, ignored)'),
      401: error('Missing or bad signature, or stale timestamp'),
      422: error('Malformed body or unknown event type'),
      503: error('Webhooks disabled (no secret configured)'),
    },
  });

  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: { title: 'progress-api', version: '1.0.0', description: 'Gear progression of World of Warcraft guilds against the weekly item-level plan' },
  });
}
