import type { z } from 'zod';
import type { Logger } from '../../logger.js';
import { attempt, parseJson, sleep, type Attempt } from '../http.js';
import { noopMetrics, type UpstreamMetrics } from '../metrics.js';
import { badData, notFound, ok, unavailable, type Outcome } from '../outcome.js';
import { parseWith } from '../validate.js';
import { realmSlug } from '../../domain/realm.js';
import { membersSchema, permissionSchema, settingsSchema } from './schemas.js';

export type PermissionDecision =
  | { kind: 'allowed'; rankId: number }
  | { kind: 'denied'; reason: string }
  | { kind: 'unavailable'; reason: string };

export interface GuildApiMember {
  characterName: string;
  /** Null when the member is on the guild's own realm. */
  realmSlug: string | null;
  bnetId: number;
  rankId: number;
  rankName: string;
}

export interface GuildSettings {
  id: number;
  name: string;
  realmSlug: string;
  region: string | null;
}

export interface GuildApiClientOptions {
  baseUrl: string;
  timeoutMs: number;
  logger: Logger;
  metrics?: UpstreamMetrics;
}

const UPSTREAM = 'guild_api';
const NETWORK_RETRY_DELAY_MS = 50;

/**
 * guild-api, called on behalf of a user: the user's own access token is forwarded (as guild-api's cookie and
 * as a Bearer header), so guild-api applies its own rules to what that user may see.
 */
export class GuildApiClient {
  private readonly metrics: UpstreamMetrics;
  private readonly baseUrl: string;

  constructor(private readonly options: GuildApiClientOptions) {
    this.metrics = options.metrics ?? noopMetrics;
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
  }

  /** Never allows on failure: anything but a clear answer is `unavailable`, and refusals are `denied`. */
  async checkPermission(guildId: number, bnetId: number, token: string): Promise<PermissionDecision> {
    const result = await this.get(`/guilds/${guildId}/permissions/check`, token, { tool: 'progress', bnet_id: String(bnetId) });
    const decision = interpretPermission(result);
    this.metrics.request(UPSTREAM, decision.kind);
    return decision;
  }

  async getMembers(guildId: number, token: string): Promise<Outcome<GuildApiMember[]>> {
    const outcome = readBody(await this.get(`/guilds/${guildId}/members`, token), membersSchema, (body) =>
      body.members.map((m) => ({
        characterName: m.character_name,
        realmSlug: m.realm ? realmSlug(m.realm) : null,
        bnetId: m.bnet_id,
        rankId: m.rank_id,
        rankName: m.rank_name,
      })),
    );
    this.metrics.request(UPSTREAM, outcome.kind);
    return outcome;
  }

  async getSettings(guildId: number, token: string): Promise<Outcome<GuildSettings>> {
    const outcome = readBody(await this.get(`/guilds/${guildId}/settings`, token), settingsSchema, (body) => ({
      id: body.guild.id,
      name: body.guild.name,
      realmSlug: realmSlug(body.guild.realm),
      region: body.guild.region?.toLowerCase() ?? null,
    }));
    this.metrics.request(UPSTREAM, outcome.kind);
    return outcome;
  }

  private async get(path: string, token: string, searchParams?: Record<string, string>): Promise<Attempt> {
    const request = {
      method: 'GET' as const,
      url: `${this.baseUrl}${path}`,
      headers: { cookie: `access_token=${token}`, authorization: `Bearer ${token}`, accept: 'application/json' },
      searchParams,
      timeoutMs: this.options.timeoutMs,
    };
    const first = await attempt(UPSTREAM, this.options.logger, request);
    // A dropped keep-alive connection is worth one more try; a slow guild-api is not (users are waiting).
    if (first.kind !== 'network') return first;
    await sleep(NETWORK_RETRY_DELAY_MS);
    return attempt(UPSTREAM, this.options.logger, request);
  }
}

function interpretPermission(result: Attempt): PermissionDecision {
  if (result.kind === 'timeout') return { kind: 'unavailable', reason: 'guild-api timed out' };
  if (result.kind === 'network') return { kind: 'unavailable', reason: `guild-api unreachable (${result.code})` };
  if (result.status === 401 || result.status === 403) return { kind: 'denied', reason: `guild-api refused (HTTP ${result.status})` };
  if (result.status === 404) return { kind: 'denied', reason: 'guild not found' };
  if (result.status !== 200) return { kind: 'unavailable', reason: `guild-api answered HTTP ${result.status}` };
  const json = parseJson(result.body);
  const parsed = json.ok ? parseWith(permissionSchema, json.value) : null;
  if (!parsed?.ok) return { kind: 'unavailable', reason: 'guild-api sent an unreadable permission answer' };
  const { allowed, rank_id: rankId, reason } = parsed.data;
  if (!allowed || rankId === null) return { kind: 'denied', reason: reason || 'not allowed' };
  return { kind: 'allowed', rankId };
}

function readBody<S extends z.ZodType, T>(result: Attempt, schema: S, map: (body: z.infer<S>) => T): Outcome<T> {
  if (result.kind === 'timeout') return unavailable('guild-api timed out');
  if (result.kind === 'network') return unavailable(`guild-api unreachable (${result.code})`);
  // 403: the caller may not see this guild; to the caller that is the same as no such guild.
  if (result.status === 403 || result.status === 404) return notFound();
  if (result.status !== 200) return unavailable(`guild-api answered HTTP ${result.status}`);
  const json = parseJson(result.body);
  if (!json.ok) return badData('guild-api response is not JSON');
  const parsed = parseWith(schema, json.value);
  if (!parsed.ok) return badData(parsed.reason);
  return ok(map(parsed.data));
}
