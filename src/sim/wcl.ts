import type { ServerResponse } from 'node:http';
import { RAID_BOSSES } from './catalog.js';
import { basicCredentials, bearerToken, delay, sendJson, type SimRequest } from './http.js';
import { SIM_CREDENTIALS, randomToken, type SimState } from './state.js';
import type { SimGuild } from './world.js';
import recordedZones from './templates/wcl-world-zones.json' with { type: 'json' };

/** The zone the default comparison asks for; encounter names and ids are illustrative. */
const MIDNIGHT_SEASON_ONE = {
  id: 46,
  name: "VS / DR / MQD",
  encounters: RAID_BOSSES.map(({ id, name }) => ({ id, name })),
};
const PROGRESS_ZONE_ID = MIDNIGHT_SEASON_ONE.id;
const ZONES: ReadonlyArray<{ id: number; name: string; encounters: Array<{ id: number; name: string }> }> = [
  ...recordedZones.data.worldData.zones.map((z) => ({ id: z.id, name: z.name, encounters: z.encounters })),
  MIDNIGHT_SEASON_ONE,
];

const HOUR_MS = 3_600_000;

/** WarcraftLogs under /wcl: client-credentials tokens and the v2 GraphQL client endpoint. */
export async function handleWcl(state: SimState, req: SimRequest, res: ServerResponse, path: string): Promise<void> {
  if (path === '/oauth/token') return issueToken(state, req, res);
  if (path === '/api/v2/client' && req.method === 'POST') return answerQuery(state, req, res);
  sendJson(res, 404, { error: 'Not found' });
}

function issueToken(state: SimState, req: SimRequest, res: ServerResponse): void {
  state.counters.wcl.tokenRequests += 1;
  const credentials = basicCredentials(req.headers);
  if (req.method !== 'POST' || !credentials || credentials.id !== SIM_CREDENTIALS.clientId || credentials.secret !== SIM_CREDENTIALS.clientSecret) {
    return sendJson(res, 401, { error: 'invalid_client', error_description: 'Client authentication failed', message: 'Client authentication failed' });
  }
  const token = `eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.${randomToken(state, '', 48)}.${randomToken(state, '', 24)}`;
  state.wclTokens.add(token);
  sendJson(res, 200, { token_type: 'Bearer', expires_in: 31_104_000, access_token: token });
}

async function answerQuery(state: SimState, req: SimRequest, res: ServerResponse): Promise<void> {
  state.counters.wcl.requests += 1;
  if (state.faults.wclDown) return sendJson(res, 503, { error: 'Service Unavailable' });
  const token = bearerToken(req.headers);
  if (!token || !state.wclTokens.has(token)) return sendJson(res, 401, { error: 'Unauthenticated.' });

  const now = Date.now();
  if (now - state.wcl.hourStartedAt >= HOUR_MS) state.wcl = { ...state.wcl, spent: 0, hourStartedAt: now };
  const resetIn = Math.ceil((state.wcl.hourStartedAt + HOUR_MS - now) / 1000);
  const spent = state.faults.wclPointsSpent ?? state.wcl.spent;
  if (spent >= state.wcl.limitPerHour) return sendJson(res, 429, { error: 'Too Many Requests' }, { 'retry-after': String(resetIn) });

  let request: { query?: unknown; variables?: Record<string, unknown> };
  try {
    request = JSON.parse(req.body) as typeof request;
  } catch {
    return sendJson(res, 400, { errors: [{ message: 'Syntax Error: request body is not JSON' }] });
  }
  const query = typeof request.query === 'string' ? request.query : '';
  const variables = request.variables ?? {};
  const asks = (field: string) => query.includes(field);
  // Reports with fights cost more points than rankings, as on the real API.
  const cost = 1 + (asks('reportData') ? 4 : 0);
  if (state.faults.wclPointsSpent === null) state.wcl.spent += cost;
  await delay(state.faults.latencyMs);

  const zoneId = Number(variables.zoneId);
  const guild = findWclGuild(state, variables);
  const data: Record<string, unknown> = {};
  if (asks('rateLimitData')) {
    data.rateLimitData = { limitPerHour: state.wcl.limitPerHour, pointsSpentThisHour: (state.faults.wclPointsSpent ?? state.wcl.spent), pointsResetIn: resetIn };
  }
  if (asks('worldData')) {
    data.worldData = {
      zone: ZONES.find((z) => z.id === zoneId) ?? null,
      ...(asks('server(') && { server: renderServer(state, variables, zoneId) }),
    };
  }
  if (asks('guildData')) data.guildData = { guild: guild ? renderGuild(guild, zoneId) : null };
  if (asks('reportData')) {
    const reports = guild && zoneId === PROGRESS_ZONE_ID ? renderReports(guild, !asks('killType: Kills')) : [];
    data.reportData = { reports: { total: reports.length, data: reports } };
  }
  sendJson(res, 200, { data });
}

function findWclGuild(state: SimState, variables: Record<string, unknown>): SimGuild | undefined {
  const name = String(variables.name ?? '').toLowerCase();
  const server = String(variables.serverSlug ?? '').toLowerCase();
  const region = String(variables.serverRegion ?? '').toLowerCase();
  return state.world.guilds.find((g) => g.name.toLowerCase() === name && g.realm.slug === server && g.region === region);
}

function rank(number: number | null, color: string) {
  return number === null ? null : { number, percentile: null, color };
}

function positions(worldRank: number | null) {
  if (worldRank === null) return null;
  return {
    worldRank: rank(worldRank, worldRank < 500 ? 'epic' : 'rare'),
    regionRank: rank(Math.max(1, Math.ceil(worldRank * 0.45)), 'rare'),
    serverRank: rank(Math.max(1, Math.ceil(worldRank / 130)), 'epic'),
  };
}

function renderGuild(guild: SimGuild, zoneId: number) {
  const isProgressZone = zoneId === PROGRESS_ZONE_ID;
  return {
    id: guild.warcraftLogs.id,
    name: guild.name,
    server: {
      id: guild.realm.id,
      name: guild.realm.name,
      slug: guild.realm.slug,
      region: { id: 1, compactName: guild.region.toUpperCase(), name: guild.region.toUpperCase(), slug: guild.region },
    },
    faction: { id: guild.faction === 'ALLIANCE' ? 1 : 0, name: guild.faction === 'ALLIANCE' ? 'Alliance' : 'Horde' },
    zoneRanking: {
      progress: isProgressZone ? positions(guild.warcraftLogs.progressRank) : null,
      speed: isProgressZone ? positions(guild.warcraftLogs.speedRank) : null,
      completeRaidSpeed: null,
    },
  };
}

/** The realm's guilds as WarcraftLogs lists a server: every simulated guild on that realm and region. */
function renderServer(state: SimState, variables: Record<string, unknown>, zoneId: number) {
  const slug = String(variables.serverSlug ?? '').toLowerCase();
  const region = String(variables.serverRegion ?? '').toLowerCase();
  const guilds = state.world.guilds.filter((g) => g.realm.slug === slug && g.region === region);
  if (guilds.length === 0) return null;
  return { guilds: { data: guilds.map((g) => renderGuild(g, zoneId)) } };
}

/** One report per difficulty the guild has killed bosses on; each kill is a fight, plus a wipe on the next boss. */
function renderReports(guild: SimGuild, includeWipes: boolean) {
  const encounters = MIDNIGHT_SEASON_ONE.encounters;
  return Object.entries(guild.warcraftLogs.killsByDifficulty).map(([difficulty, kills]) => {
    // Kills on harder difficulties are made in better gear; a guild's own level keeps guilds apart.
    const averageItemLevel = 250 + Number(difficulty) * 5 + (guild.warcraftLogs.id % 7);
    const fights: Array<{ encounterID: number; difficulty: number; kill: boolean; averageItemLevel?: number }> = encounters
      .slice(0, kills)
      .map((e) => ({ encounterID: e.id, difficulty: Number(difficulty), kill: true, averageItemLevel }));
    const next = encounters[kills];
    if (includeWipes && next) fights.push({ encounterID: next.id, difficulty: Number(difficulty), kill: false });
    return { code: `sim${guild.warcraftLogs.id}d${difficulty}`, fights };
  });
}
