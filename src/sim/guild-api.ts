import type { ServerResponse } from 'node:http';
import jwt from 'jsonwebtoken';
import { rankName } from './catalog.js';
import { bearerToken, cookie, delay, sendJson, type SimRequest } from './http.js';
import type { SimState } from './state.js';
import { findGuild, type SimGuild, type SimMembership } from './world.js';

/** guild-api under /guild-api: the three endpoints progress-api relies on (docs/api.md). */
export async function handleGuildApi(state: SimState, req: SimRequest, res: ServerResponse, path: string): Promise<void> {
  const { counters, faults } = state;
  counters.guildApi.requests += 1;
  counters.guildApi.byPath[path] = (counters.guildApi.byPath[path] ?? 0) + 1;
  await delay(faults.guildApiLatencyMs);
  if (faults.guildApiDown) return sendJson(res, 503, { error: 'Service unavailable' });

  const caller = authenticate(state, req);
  if (caller === null) return sendJson(res, 401, { error: 'Not authenticated' });
  const match = /^\/guilds\/(\d+)\/(permissions\/check|members|settings)$/.exec(path);
  if (!match || req.method !== 'GET') return sendJson(res, 404, { error: 'Not found' });
  const guild = findGuild(state.world, Number(match[1]));
  if (!guild) return sendJson(res, 404, { error: 'Guild not found' });

  const callerRank = bestRank(guild, caller);
  switch (match[2]) {
    case 'permissions/check': {
      const asked = req.url.searchParams.get('bnet_id');
      const bnetId = asked === null ? caller : Number(asked);
      if (bnetId !== caller) return sendJson(res, 403, { error: 'Access denied' });
      return sendJson(res, 200, permission(guild, callerRank));
    }
    case 'members':
      if (callerRank === null) return sendJson(res, 403, { error: 'Access denied' });
      return sendJson(res, 200, {
        guild_id: guild.id,
        member_count: guild.members.length,
        members: guild.members.map((m) => presentMember(guild, m)),
      });
    default:
      if (callerRank === null) return sendJson(res, 403, { error: 'Access denied' });
      return sendJson(res, 200, {
        guild: { id: guild.id, name: guild.name, realm: guild.realm.slug, realm_name: guild.realm.name, region: guild.region, faction: guild.faction.toLowerCase() },
        permissions: [{ tool: 'progress', enabled: true, max_rank_id: guild.progressMaxRank }],
        member_count: guild.members.length,
        user_rank: { rank_id: callerRank, rank_name: rankName(callerRank) },
      });
  }
}

/** guild-api's own token check: HS256 access tokens from the cookie or a Bearer header. */
function authenticate(state: SimState, req: SimRequest): number | null {
  const token = cookie(req.headers, 'access_token') ?? bearerToken(req.headers);
  if (!token) return null;
  try {
    const payload = jwt.verify(token, state.jwtSecretKey, { algorithms: ['HS256'] });
    if (typeof payload !== 'object' || payload.type !== 'access' || !Number.isInteger(payload.bnet_id)) return null;
    return payload.bnet_id as number;
  } catch {
    return null;
  }
}

/** A user's rank in a guild is the best (lowest) rank among their characters there. */
function bestRank(guild: SimGuild, bnetId: number): number | null {
  let best: number | null = null;
  for (const member of guild.members) {
    if (member.bnetId === bnetId && (best === null || member.rankId < best)) best = member.rankId;
  }
  return best;
}

function permission(guild: SimGuild, rankId: number | null) {
  if (rankId === null) return { allowed: false, rank_id: null, reason: 'Not a member of this guild' };
  if (guild.progressMaxRank !== null && rankId > guild.progressMaxRank) {
    return { allowed: false, rank_id: rankId, reason: `Rank ${rankName(rankId)} may not use the progress tool` };
  }
  return { allowed: true, rank_id: rankId, reason: `Member with rank ${rankName(rankId)}` };
}

function presentMember(guild: SimGuild, member: SimMembership) {
  return {
    character_name: member.characterName,
    guild_id: guild.id,
    bnet_id: member.bnetId,
    rank_id: member.rankId,
    rank_name: rankName(member.rankId),
    last_sync: new Date(guild.rosterLastModified).toISOString(),
    // Members carry a realm only when it is not the guild's (connected realms).
    ...(member.realmSlug !== guild.realm.slug ? { realm: member.realmSlug } : {}),
  };
}
