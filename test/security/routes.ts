import { DEFAULT_SEASON_PLAN } from '../../src/domain/season-plan.js';
import type { Simulator } from '../../src/sim/index.js';

/** Who may call a guild route, by rank (docs/api.md): everyone with permission, Officer+ or the Guild Master. */
export type Level = 'member' | 'officer' | 'gm';

export interface GuildRoute {
  /** The OpenAPI path, as the document names it. */
  template: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  level: Level;
  /** The 403 message the frontend shows for this route (docs/api.md). */
  deniedMessage: string;
  /** A concrete, valid URL path (with query) for a guild of the simulated world. */
  path(sim: Simulator, guildId: number): string;
  body?: unknown;
  /**
   * What a caller allowed to use the route gets (default 200 or 202). A route about one stored object (a plan,
   * a token) is walked with an id no guild has: allowed callers get its 404, refused ones the route's 403.
   */
  okStatuses?: number[];
}

/** What an allowed caller gets from a route of the walk. */
export const okStatusesOf = (route: GuildRoute): number[] => route.okStatuses ?? [200, 202];

/** An id no guild's plan or token has: the walk never changes stored plans or tokens by id. */
export const UNKNOWN_ID = 2_147_483_000;

/** A character of the guild in the simulated world, so a refusal can never be a 404 or a 400 in disguise. */
function someCharacter(sim: Simulator, guildId: number): { name: string; realm: string } {
  const guild = sim.world.guilds.find((g) => g.id === guildId);
  const member = guild?.members[0];
  return member ? { name: member.characterName, realm: member.realmSlug } : { name: 'Thrall', realm: 'area-52' };
}

/** Every route that reads or writes a guild's data, each with valid input. */
export const GUILD_ROUTES: GuildRoute[] = [
  {
    template: '/guilds/{guild_id}/progress/characters',
    method: 'GET',
    level: 'member',
    deniedMessage: 'Access denied',
    path: (_sim, id) => `/guilds/${id}/progress/characters`,
  },
  {
    template: '/guilds/{guild_id}/progress/character/{character_name}',
    method: 'GET',
    level: 'member',
    deniedMessage: 'Access denied',
    path: (sim, id) => {
      const c = someCharacter(sim, id);
      return `/guilds/${id}/progress/character/${encodeURIComponent(c.name)}?realm=${c.realm}`;
    },
  },
  {
    template: '/guilds/{guild_id}/progress/character/{character_name}/history',
    method: 'GET',
    level: 'member',
    deniedMessage: 'Access denied',
    path: (sim, id) => {
      const c = someCharacter(sim, id);
      return `/guilds/${id}/progress/character/${encodeURIComponent(c.name)}/history?realm=${c.realm}&weeks=20`;
    },
  },
  {
    template: '/guilds/{guild_id}/progress/members',
    method: 'GET',
    level: 'officer',
    deniedMessage: 'Access denied - Officer rank required',
    path: (_sim, id) => `/guilds/${id}/progress/members?sort=name&limit=5`,
  },
  {
    template: '/guilds/{guild_id}/progress/members',
    method: 'GET',
    level: 'officer',
    deniedMessage: 'Access denied - Officer rank required',
    path: (_sim, id) => `/guilds/${id}/progress/members?format=csv`,
  },
  {
    template: '/guilds/{guild_id}/progress/message',
    method: 'GET',
    level: 'member',
    deniedMessage: 'Access denied',
    path: (_sim, id) => `/guilds/${id}/progress/message`,
  },
  {
    template: '/guilds/{guild_id}/progress/message',
    method: 'PUT',
    level: 'gm',
    deniedMessage: 'Access denied - Guild Master only',
    path: (_sim, id) => `/guilds/${id}/progress/message`,
    body: { message: 'Focus on DPS!' },
  },
  {
    template: '/guilds/{guild_id}/progress/message',
    method: 'DELETE',
    level: 'gm',
    deniedMessage: 'Access denied - Guild Master only',
    path: (_sim, id) => `/guilds/${id}/progress/message`,
  },
  {
    template: '/guilds/{guild_id}/progress/message/history',
    method: 'GET',
    level: 'officer',
    deniedMessage: 'Access denied - Officer rank required',
    path: (_sim, id) => `/guilds/${id}/progress/message/history`,
  },
  {
    template: '/guilds/{guild_id}/progress/roadmap',
    method: 'GET',
    level: 'member',
    deniedMessage: 'Access denied',
    path: (_sim, id) => `/guilds/${id}/progress/roadmap`,
  },
  {
    template: '/guilds/{guild_id}/progress/roadmap',
    method: 'PUT',
    level: 'gm',
    deniedMessage: 'Access denied - Guild Master only',
    path: (_sim, id) => `/guilds/${id}/progress/roadmap`,
    // The season plan's own targets from week 1: a guild saving it keeps every number it showed before.
    body: {
      expansion_id: 12,
      weeks: DEFAULT_SEASON_PLAN.weeks.filter((w) => w.week >= 1).map((w) => ({ expansion_id: 12, week: w.week, ilvl_target: w.targetIlvl })),
    },
  },
  {
    template: '/guilds/{guild_id}/progress/team-plans',
    method: 'GET',
    level: 'officer',
    deniedMessage: 'Access denied - Officer rank required',
    path: (_sim, id) => `/guilds/${id}/progress/team-plans`,
  },
  {
    template: '/guilds/{guild_id}/progress/team-plans',
    method: 'POST',
    level: 'gm',
    deniedMessage: 'Access denied - Guild Master only',
    path: (_sim, id) => `/guilds/${id}/progress/team-plans`,
    // An offset of 0: a guild saving it keeps every number it showed before.
    body: { name: 'Route walk', ranks: [9], offset: 0 },
    okStatuses: [201],
  },
  {
    template: '/guilds/{guild_id}/progress/team-plans/{plan_id}',
    method: 'PUT',
    level: 'gm',
    deniedMessage: 'Access denied - Guild Master only',
    path: (_sim, id) => `/guilds/${id}/progress/team-plans/${UNKNOWN_ID}`,
    body: { name: 'Route walk', ranks: [9], offset: 0 },
    okStatuses: [404],
  },
  {
    template: '/guilds/{guild_id}/progress/team-plans/{plan_id}',
    method: 'DELETE',
    level: 'gm',
    deniedMessage: 'Access denied - Guild Master only',
    path: (_sim, id) => `/guilds/${id}/progress/team-plans/${UNKNOWN_ID}`,
    okStatuses: [404],
  },
  {
    template: '/guilds/{guild_id}/progress/team-plans/{plan_id}/history',
    method: 'GET',
    level: 'officer',
    deniedMessage: 'Access denied - Officer rank required',
    path: (_sim, id) => `/guilds/${id}/progress/team-plans/${UNKNOWN_ID}/history`,
    okStatuses: [404],
  },
  {
    template: '/guilds/{guild_id}/progress/tokens',
    method: 'GET',
    level: 'officer',
    deniedMessage: 'Access denied - Officer rank required',
    path: (_sim, id) => `/guilds/${id}/progress/tokens`,
  },
  {
    template: '/guilds/{guild_id}/progress/tokens',
    method: 'POST',
    level: 'officer',
    deniedMessage: 'Access denied - Officer rank required',
    path: (_sim, id) => `/guilds/${id}/progress/tokens`,
    body: { name: 'Route walk', scopes: ['overview'] },
    okStatuses: [201],
  },
  {
    template: '/guilds/{guild_id}/progress/tokens/{token_id}',
    method: 'DELETE',
    level: 'officer',
    deniedMessage: 'Access denied - Officer rank required',
    path: (_sim, id) => `/guilds/${id}/progress/tokens/${UNKNOWN_ID}`,
    okStatuses: [404],
  },
  {
    template: '/guilds/{guild_id}/progress/comparisons',
    method: 'GET',
    level: 'member',
    deniedMessage: 'Access denied',
    path: (_sim, id) => `/guilds/${id}/progress/comparisons`,
  },
  {
    template: '/guilds/{guild_id}/progress/integrations/events/endpoints',
    method: 'GET',
    level: 'officer',
    deniedMessage: 'Access denied - Officer rank required',
    path: (_sim, id) => `/guilds/${id}/progress/integrations/events/endpoints`,
  },
  // A loopback receiver is allowed by the tests' outbound setting; nothing is sent to it here (no member leaves).
  {
    template: '/guilds/{guild_id}/progress/integrations/events/endpoints',
    method: 'POST',
    level: 'officer',
    deniedMessage: 'Access denied - Officer rank required',
    path: (_sim, id) => `/guilds/${id}/progress/integrations/events/endpoints`,
    body: { url: 'http://127.0.0.1:9/hook', event_types: ['member.left'] },
    okStatuses: [201],
  },
  {
    template: '/guilds/{guild_id}/progress/integrations/events/endpoints/{endpoint_id}/deliveries',
    method: 'GET',
    level: 'officer',
    deniedMessage: 'Access denied - Officer rank required',
    path: (_sim, id) => `/guilds/${id}/progress/integrations/events/endpoints/${UNKNOWN_ID}/deliveries`,
    okStatuses: [404],
  },
  {
    template: '/guilds/{guild_id}/progress/integrations/events/endpoints/{endpoint_id}/enable',
    method: 'POST',
    level: 'officer',
    deniedMessage: 'Access denied - Officer rank required',
    path: (_sim, id) => `/guilds/${id}/progress/integrations/events/endpoints/${UNKNOWN_ID}/enable`,
    okStatuses: [404],
  },
  // Deleting is idempotent: an endpoint already gone answers 204 too.
  {
    template: '/guilds/{guild_id}/progress/integrations/events/endpoints/{endpoint_id}',
    method: 'DELETE',
    level: 'officer',
    deniedMessage: 'Access denied - Officer rank required',
    path: (_sim, id) => `/guilds/${id}/progress/integrations/events/endpoints/${UNKNOWN_ID}`,
    okStatuses: [204],
  },
  {
    template: '/guilds/{guild_id}/progress/integrations/discord',
    method: 'GET',
    level: 'officer',
    deniedMessage: 'Access denied - Officer rank required',
    path: (_sim, id) => `/guilds/${id}/progress/integrations/discord`,
  },
  {
    template: '/guilds/{guild_id}/progress/integrations/discord',
    method: 'PUT',
    level: 'officer',
    deniedMessage: 'Access denied - Officer rank required',
    path: (_sim, id) => `/guilds/${id}/progress/integrations/discord`,
    body: { url: 'http://127.0.0.1:9/api/webhooks/1/token' },
  },
  // Port 9 refuses the connection: the answer is 200 saying Discord did not take it.
  {
    template: '/guilds/{guild_id}/progress/integrations/discord/test',
    method: 'POST',
    level: 'officer',
    deniedMessage: 'Access denied - Officer rank required',
    path: (_sim, id) => `/guilds/${id}/progress/integrations/discord/test`,
  },
  {
    template: '/guilds/{guild_id}/progress/integrations/discord',
    method: 'DELETE',
    level: 'officer',
    deniedMessage: 'Access denied - Officer rank required',
    path: (_sim, id) => `/guilds/${id}/progress/integrations/discord`,
    okStatuses: [204],
  },
];

export function requestInit(route: GuildRoute, headers: Record<string, string>): RequestInit {
  if (route.body === undefined) return { method: route.method, headers };
  return { method: route.method, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(route.body) };
}

/** The method+path pairs of the OpenAPI document, to prove the catalogue above walks every route. */
export async function documentedOperations(apiUrl: string): Promise<string[]> {
  const document = (await (await fetch(`${apiUrl}/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
  return Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.keys(operations)
      .filter((m) => ['get', 'put', 'post', 'patch', 'delete'].includes(m))
      .map((m) => `${m.toUpperCase()} ${path}`),
  );
}

/**
 * Operations that are not guild routes: the webhook has its own guard (HMAC signature), the dashboard its basic
 * auth, and the probes, metrics and the document are public.
 */
export const NOT_GUILD_ROUTES = new Set([
  'POST /webhooks/guild-api', 'GET /admin/queues', 'GET /health', 'GET /ready', 'GET /metrics', 'GET /openapi.json',
]);
