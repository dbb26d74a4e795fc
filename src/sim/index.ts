import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import jwt from 'jsonwebtoken';
import { localUrl } from '../config.js';
import { listen as listenOn } from '../listen.js';
import { handleAdmin } from './admin.js';
import { handleBlizzard } from './blizzard.js';
import { emptyCounters, type SimCounters } from './counters.js';
import type { Faults } from './faults.js';
import { handleGuildApi } from './guild-api.js';
import { readRequest, sendJson } from './http.js';
import type { Clock } from '../clock.js';
import type { SimActivity } from './activity.js';
import {
  addMember, changeGear, logIn, removeMember, renameCharacter, setActivity, setProgressAccess, setRank, type MembershipOptions, type NewMember,
} from './mutations.js';
import { SIM_CREDENTIALS, applyFaults, createState, resetFaults } from './state.js';
import { handleWcl } from './wcl.js';
import { sendWebhook, type WebhookEvent, type WebhookOptions } from './webhook.js';
import { generateWorld, type SimCharacter, type SimWorld, type WorldSpec } from './world.js';

export type { Faults } from './faults.js';
export type { SimCounters } from './counters.js';
export type { MembershipOptions, NewMember } from './mutations.js';
export type { WebhookEvent, WebhookOptions } from './webhook.js';
export type { SimCharacter, SimGuild, SimMembership, SimWorld, WorldGuildSpec, WorldSpec } from './world.js';
export type { SimItem, UpgradeTrack } from './gear.js';
export type { SimActivity, SimDifficulty, SimKill, SimRun } from './activity.js';
export { DUNGEONS, activityOf } from './activity.js';
export { RAID_BOSSES } from './catalog.js';
export { characterKey, findCharacter, findGuild } from './world.js';
export { SIM_CREDENTIALS } from './state.js';

export interface SimulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Listening address; 127.0.0.1 unless told otherwise. */
  host?: string;
  seed?: number;
  /** guild-api's signing key: the simulated guild-api verifies tokens with it and `tokenFor` signs with it. */
  jwtSecretKey: string;
  world?: WorldSpec;
  faults?: Partial<Faults>;
  /** Business time of the Mythic+ and raid endpoints (reset periods, kill and run times); default the system's. */
  clock?: Clock;
}

export interface Simulator {
  url: string;
  /** Variables that point a progress-api process at this simulator. */
  env: Record<string, string>;
  world: SimWorld;
  faults(): Faults;
  setFaults(partial: Partial<Faults>): Faults;
  resetFaults(): void;
  counters(): SimCounters;
  resetCounters(): void;
  changeGear(region: string, realmSlug: string, name: string): SimCharacter;
  /** A name change or realm transfer: same Battle.net id, new name (and realm); guild-api and the roster follow. */
  renameCharacter(region: string, realmSlug: string, name: string, newName: string, newRealmSlug?: string): SimCharacter;
  /** The character logs in at the simulator's clock; activity up to then becomes visible. */
  logIn(region: string, realmSlug: string, name: string): SimCharacter;
  setActivity(region: string, realmSlug: string, name: string, activity: SimActivity): SimCharacter;
  removeMember(guildId: number, characterName: string, options?: MembershipOptions): boolean;
  addMember(guildId: number, member: NewMember, options?: MembershipOptions): SimCharacter;
  setRank(guildId: number, characterName: string, rankId: number, options?: MembershipOptions): void;
  setProgressAccess(guildId: number, maxRankId: number | null): void;
  /** A guild-api access token for the user, valid for an hour. */
  tokenFor(bnetId: number): string;
  /** Invalidates every Battle.net and WarcraftLogs token issued so far (the next API call gets 401). */
  revokeUpstreamTokens(): void;
  sendWebhook(targetUrl: string, secret: string, event: WebhookEvent, options?: WebhookOptions): Promise<{ status: number; body: unknown }>;
  close(): Promise<void>;
}

/** Starts simulated Battle.net, WarcraftLogs and guild-api on 127.0.0.1, under /blizzard, /wcl and /guild-api. */
export async function startSimulator(options: SimulatorOptions): Promise<Simulator> {
  const world = generateWorld(options.seed ?? 1, options.world);
  const state = createState(world, options.jwtSecretKey, options.faults ?? {}, options.clock);
  const tokenFor = (bnetId: number) =>
    jwt.sign({ bnet_id: bnetId, type: 'access' }, options.jwtSecretKey, { algorithm: 'HS256', expiresIn: 3600 });

  const server = createServer((req, res) => {
    void (async () => {
      const request = await readRequest(req);
      const path = request.url.pathname;
      const under = (prefix: string) => (path === prefix || path.startsWith(`${prefix}/`) ? path.slice(prefix.length) || '/' : null);
      let rest: string | null;
      if ((rest = under('/blizzard')) !== null) return handleBlizzard(state, request, res, rest);
      if ((rest = under('/wcl')) !== null) return handleWcl(state, request, res, rest);
      if ((rest = under('/guild-api')) !== null) return handleGuildApi(state, request, res, rest);
      if ((rest = under('/__admin')) !== null) return handleAdmin(state, request, res, rest, tokenFor);
      sendJson(res, 404, { error: 'Not found' });
    })().catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: error instanceof Error ? error.message : 'simulator error' });
      else res.destroy();
    });
  });
  const url = await listen(server, options.port ?? 0, options.host ?? '127.0.0.1');

  return {
    url,
    env: {
      BLIZZARD_API_BASE_URL: `${url}/blizzard/{region}`,
      BLIZZARD_OAUTH_URL: `${url}/blizzard/oauth/token`,
      BLIZZARD_CLIENT_ID: SIM_CREDENTIALS.clientId,
      BLIZZARD_CLIENT_SECRET: SIM_CREDENTIALS.clientSecret,
      WARCRAFTLOGS_OAUTH_URL: `${url}/wcl/oauth/token`,
      WARCRAFTLOGS_API_URL: `${url}/wcl/api/v2/client`,
      WARCRAFTLOGS_CLIENT_ID: SIM_CREDENTIALS.clientId,
      WARCRAFTLOGS_CLIENT_SECRET: SIM_CREDENTIALS.clientSecret,
      GUILD_API_URL: `${url}/guild-api`,
    },
    world,
    faults: () => ({ ...state.faults }),
    setFaults: (partial) => ({ ...applyFaults(state, partial) }),
    resetFaults: () => resetFaults(state),
    counters: () => structuredClone(state.counters),
    resetCounters: () => {
      state.counters = emptyCounters();
    },
    changeGear: (region, realmSlug, name) => changeGear(world, state.rng, region, realmSlug, name),
    renameCharacter: (region, realmSlug, name, newName, newRealmSlug) => renameCharacter(world, region, realmSlug, name, newName, newRealmSlug),
    logIn: (region, realmSlug, name) => logIn(world, state.clock, region, realmSlug, name),
    setActivity: (region, realmSlug, name, activity) => setActivity(world, state.clock, region, realmSlug, name, activity),
    removeMember: (guildId, characterName, opts) => removeMember(world, guildId, characterName, opts),
    addMember: (guildId, member, opts) => addMember(world, state.rng, guildId, member, opts),
    setRank: (guildId, characterName, rankId, opts) => setRank(world, guildId, characterName, rankId, opts),
    setProgressAccess: (guildId, maxRankId) => setProgressAccess(world, guildId, maxRankId),
    tokenFor,
    revokeUpstreamTokens: () => {
      state.blizzardTokens.clear();
      state.wclTokens.clear();
    },
    sendWebhook,
    close: () => close(server),
  };
}

async function listen(server: Server, port: number, host: string): Promise<string> {
  await listenOn(server, port, host);
  return localUrl(host, (server.address() as AddressInfo).port);
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
