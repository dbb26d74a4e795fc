import type { ServerResponse } from 'node:http';
import { emptyCounters } from './counters.js';
import { sanitizeFaults } from './faults.js';
import { sendJson, type SimRequest } from './http.js';
import { changeGear, logIn } from './mutations.js';
import { applyFaults, resetFaults, type SimState } from './state.js';
import { equippedItemLevel } from './gear.js';

/**
 * Run-time controls over HTTP, so that processes that did not start the simulator (`npm run dev`, benchmarks)
 * can switch faults on and read what the upstreams saw.
 */
export function handleAdmin(state: SimState, req: SimRequest, res: ServerResponse, path: string, tokenFor: (bnetId: number) => string): void {
  const route = `${req.method} ${path}`;
  try {
    switch (route) {
      case 'GET /faults':
        return sendJson(res, 200, { ...state.faults, forcedRateLimitUntil: state.forcedRateLimitUntil || null });
      case 'PUT /faults':
        return sendJson(res, 200, applyFaults(state, sanitizeFaults(parseBody(req))));
      case 'DELETE /faults':
        resetFaults(state);
        return sendJson(res, 200, state.faults);
      case 'GET /counters':
        return sendJson(res, 200, state.counters);
      case 'DELETE /counters':
        state.counters = emptyCounters();
        return sendJson(res, 200, state.counters);
      case 'GET /world':
        return sendJson(res, 200, worldSummary(state));
      case 'POST /tokens': {
        const bnetId = Number((parseBody(req) as { bnet_id?: unknown }).bnet_id);
        if (!Number.isInteger(bnetId)) return sendJson(res, 400, { error: 'bnet_id must be an integer' });
        return sendJson(res, 200, { access_token: tokenFor(bnetId) });
      }
      case 'POST /change-gear': {
        const { region, realm, name } = parseBody(req) as Record<string, string>;
        const character = changeGear(state.world, state.rng, region ?? '', realm ?? '', name ?? '');
        return sendJson(res, 200, { name: character.name, equipped_item_level: equippedItemLevel(character.items), last_modified: new Date(character.lastModified).toUTCString() });
      }
      case 'POST /log-in': {
        const { region, realm, name } = parseBody(req) as Record<string, string>;
        const character = logIn(state.world, state.clock, region ?? '', realm ?? '', name ?? '');
        return sendJson(res, 200, { name: character.name, last_login: new Date(character.lastLogin).toISOString() });
      }
      case 'POST /revoke-tokens':
        state.blizzardTokens.clear();
        state.wclTokens.clear();
        return sendJson(res, 200, { revoked: true });
      default:
        return sendJson(res, 404, { error: `no admin route ${route}` });
    }
  } catch (error) {
    sendJson(res, 400, { error: error instanceof Error ? error.message : String(error) });
  }
}

function parseBody(req: SimRequest): unknown {
  try {
    return JSON.parse(req.body || '{}');
  } catch {
    throw new Error('body is not JSON');
  }
}

function worldSummary(state: SimState) {
  const { world } = state;
  return {
    seed: world.seed,
    ilvl_center: world.ilvlCenter,
    demo_users: world.demoUsers,
    unknown_character: world.unknownCharacter,
    guilds: world.guilds.map((g) => ({ id: g.id, name: g.name, realm: g.realm.slug, region: g.region, members: g.members.length, roster: g.roster.length })),
    users: Object.fromEntries(
      Object.values(world.demoUsers).map((bnetId) => [bnetId, (world.users.get(bnetId) ?? []).map((c) => ({ name: c.name, realm: c.realm.slug, region: c.region, guild_id: c.guild?.id ?? null }))]),
    ),
  };
}
