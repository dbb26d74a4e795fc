import type { ServerResponse } from 'node:http';
import { requestsInLastHour } from './counters.js';
import { HOURLY_OVERAGE_DELAY_MS } from './faults.js';
import { basicCredentials, bearerToken, delay, segments, sendJson, sendText, type SimRequest } from './http.js';
import { renderMythicKeystoneProfile, renderRaidEncounters } from './activity.js';
import { characterHref, characterSummary, renderEquipment, renderProfile, renderRoster, renderSpecializations, renderStatus } from './render-blizzard.js';
import { SIM_CREDENTIALS, randomToken, type SimState } from './state.js';
import { findCharacter, findGuild, guildSlugOf, type SimCharacter, type SimGuild } from './world.js';
import notFoundBody from './templates/character-404.json' with { type: 'json' };
import tooManyBody from './templates/blizzard-429.json' with { type: 'json' };
import { REGIONS } from '../domain/regions.js';

const REGION_SET: ReadonlySet<string> = new Set(REGIONS);
const UNAUTHORIZED = { code: 401, type: 'BLZWEBAPI00000401', detail: 'Unauthorized' };

/** Battle.net under /blizzard: the token endpoint and, per region, the Profile API. */
export async function handleBlizzard(state: SimState, req: SimRequest, res: ServerResponse, path: string): Promise<void> {
  if (path === '/oauth/token' || path === '/oauth/oauth/token') return issueToken(state, req, res);
  const [region, ...rest] = path.split('/').filter(Boolean);
  return serveApi(state, req, res, region ?? '', `/${rest.join('/')}`);
}

function issueToken(state: SimState, req: SimRequest, res: ServerResponse): void {
  state.counters.blizzard.tokenRequests += 1;
  // Since 2021 the token endpoint refuses GET.
  if (req.method !== 'POST') return sendJson(res, 400, { error: 'invalid_request', error_description: 'POST required' });
  const credentials = basicCredentials(req.headers);
  if (!credentials || credentials.id !== SIM_CREDENTIALS.clientId || credentials.secret !== SIM_CREDENTIALS.clientSecret) {
    return sendJson(res, 401, { error: 'invalid_client', error_description: 'Bad client credentials' });
  }
  if (new URLSearchParams(req.body).get('grant_type') !== 'client_credentials') {
    return sendJson(res, 400, { error: 'unsupported_grant_type', error_description: 'Unsupported grant type' });
  }
  const token = randomToken(state, 'US', 34);
  const expiresIn = state.faults.tokenExpiresIn;
  state.blizzardTokens.set(token, Date.now() + expiresIn * 1000);
  sendJson(res, 200, { access_token: token, token_type: 'bearer', expires_in: expiresIn, sub: SIM_CREDENTIALS.clientId });
}

async function serveApi(state: SimState, req: SimRequest, res: ServerResponse, region: string, path: string): Promise<void> {
  const { counters, faults } = state;
  const now = Date.now();
  const second = Math.floor(now / 1000);
  const inThisSecond = (counters.blizzard.perSecond[second] ?? 0) + 1;
  counters.blizzard.requests += 1;
  counters.blizzard.perSecond[second] = inThisSecond;
  const pathKey = `/blizzard/${region}${path}`;
  counters.blizzard.byPath[pathKey] = (counters.blizzard.byPath[pathKey] ?? 0) + 1;
  const isOverQuota = faults.perSecondQuota !== null && inThisSecond > faults.perSecondQuota;
  if (isOverQuota) counters.blizzard.overQuota += 1;

  if (state.forcedRateLimitUntil > now) {
    counters.blizzard.rateLimited += 1;
    const seconds = Math.max(1, Math.ceil((state.forcedRateLimitUntil - now) / 1000));
    return sendJson(res, 429, tooManyBody, { 'retry-after': String(seconds) });
  }
  if (faults.activityThrottled && isActivityPath(path)) {
    counters.blizzard.rateLimited += 1;
    return sendJson(res, 429, tooManyBody, { 'retry-after': '1' });
  }
  if (isOverQuota) {
    counters.blizzard.rateLimited += 1;
    return sendJson(res, 429, tooManyBody, faults.retryAfter !== null ? { 'retry-after': String(faults.retryAfter) } : {});
  }
  if (!isAuthorized(state, req, now)) return sendJson(res, 401, UNAUTHORIZED);

  let wait = faults.latencyMs + (isActivityPath(path) ? faults.activityLatencyMs : 0);
  if (faults.hourlyQuota !== null && requestsInLastHour(counters.blizzard.perSecond, second) > faults.hourlyQuota) {
    wait += HOURLY_OVERAGE_DELAY_MS;
  }
  await delay(wait);
  if (faults.outage || (faults.activityOutage && isActivityPath(path))) return sendText(res, 503, '<html><body><h1>503 Service Unavailable</h1></body></html>', { 'content-type': 'text/html' });
  if (faults.errorRate > 0 && state.rng.next() < faults.errorRate) return sendJson(res, 500, { code: 500, type: 'BLZWEBAPI00000500', detail: 'Internal Server Error' });

  const namespace = req.url.searchParams.get('namespace') ?? req.headers['battlenet-namespace'];
  if (!REGION_SET.has(region) || namespace !== `profile-${region}`) return sendJson(res, 404, notFoundBody);
  const resource = findResource(state, region, path);
  if (!resource) return sendJson(res, 404, notFoundBody);

  const lastModified = new Date(resource.lastModified).toUTCString();
  const headers = { 'last-modified': lastModified, 'battlenet-namespace': namespace };
  // A Battle.net sending garbage sends it whatever the request asked, as the other faults answer before this.
  if (faults.malformed) return sendJson(res, 200, malformedBody(path), headers);
  const since = Date.parse(String(req.headers['if-modified-since'] ?? ''));
  if (!Number.isNaN(since) && since >= resource.lastModified) {
    counters.blizzard.notModified += 1;
    res.writeHead(304, headers);
    return void res.end();
  }
  sendJson(res, 200, resource.render(), headers);
}

/** Tokens travel in the Authorization header only: Battle.net stopped reading `?access_token=` in 2024. */
function isAuthorized(state: SimState, req: SimRequest, now: number): boolean {
  const token = bearerToken(req.headers);
  if (!token) return false;
  const expiresAt = state.blizzardTokens.get(token);
  return expiresAt !== undefined && expiresAt > now;
}

interface Resource {
  lastModified: number;
  render: () => unknown;
}

function findResource(state: SimState, region: string, path: string): Resource | null {
  const parts = segments(path);
  if (!parts) return null;
  const [a, b, c, realm, name, sub, extra, more] = parts;
  if (a === 'profile' && b === 'wow' && c === 'character' && realm && name && more === undefined) {
    const character = findCharacter(state.world, region, realm, name);
    if (!character) return null;
    return characterResource(state, character, extra === undefined ? sub : `${sub}/${extra}`);
  }
  if (a === 'data' && b === 'wow' && c === 'guild' && realm && name && sub === 'roster' && extra === undefined) {
    const guild = state.world.guilds.find((g) => g.region === region && g.realm.slug === realm && guildSlugOf(g) === name.normalize('NFC').toLowerCase());
    return guild ? { lastModified: guild.rosterLastModified, render: () => renderRoster(guild) } : null;
  }
  return null;
}

function characterResource(state: SimState, character: SimCharacter, sub: string | undefined): Resource | null {
  const guild: SimGuild | undefined = character.guild ? findGuild(state.world, character.guild.id) : undefined;
  const renderers: Record<string, () => unknown> = {
    '': () => renderProfile(character, guild),
    equipment: () => renderEquipment(character),
    specializations: () => renderSpecializations(character),
    status: () => renderStatus(character),
    'encounters/raids': () => renderRaidEncounters(state.world, state.clock, character, activityLinks(character, '/encounters/raids')),
  };
  if (sub === 'mythic-keystone-profile') {
    // A character that never ran a key has no Mythic+ profile: Battle.net answers 404 while the profile answers 200.
    const body = renderMythicKeystoneProfile(state.world, state.clock, character, activityLinks(character, '/mythic-keystone-profile'));
    return body ? { lastModified: character.lastModified, render: () => body } : null;
  }
  const render = renderers[sub ?? ''];
  return render ? { lastModified: character.lastModified, render } : null;
}

function isActivityPath(path: string): boolean {
  return path.endsWith('/mythic-keystone-profile') || path.endsWith('/encounters/raids');
}

function activityLinks(character: SimCharacter, suffix: string) {
  return { self: characterHref(character, suffix), character: characterSummary(character) };
}

/** Well-formed JSON in the wrong shape, as a gateway error page or an API change would produce. */
function malformedBody(path: string): unknown {
  return path.endsWith('/roster')
    ? { guild: { name: 42 }, members: 'unavailable' }
    : {
        id: 'not-a-number',
        name: null,
        level: 'max',
        active_specialization: 'none',
        equipped_items: [{ slot: 'HEAD', level: 'high' }],
        current_period: 'none',
        expansions: 'none',
      };
}
