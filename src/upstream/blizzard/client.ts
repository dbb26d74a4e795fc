import type { z } from 'zod';
import type { Config, Region } from '../../config.js';
import type { MythicPlusActivity, RaidActivity } from '../../domain/activity.js';
import type { EquippedItem } from '../../domain/types.js';
import type { Logger } from '../../logger.js';
import { sendAuthorized } from '../authorized-request.js';
import { headerValue, parseJson, retryAfterMs, type Attempt } from '../http.js';
import { noopMetrics, type UpstreamMetrics } from '../metrics.js';
import { ClientCredentials } from '../oauth.js';
import { badData, notFound, notModified, ok, rateLimited, unavailable, type Outcome } from '../outcome.js';
import { parseWith } from '../validate.js';
import {
  NO_MYTHIC_PLUS, toActiveSpec, toCharacterProfile, toEquippedItems, toGuildRoster, toMythicPlus, toRaidActivity, type CharacterProfile,
  type GuildRoster,
} from './map.js';
import { UnlimitedQuota, type QuotaGate } from './quota.js';
import {
  equipmentSchema, mythicKeystoneProfileSchema, profileSchema, raidEncountersSchema, rosterSchema, specializationsSchema,
} from './schemas.js';
import { characterPath, guildRosterPath } from './paths.js';

export type { CharacterProfile, GuildRoster, GuildRosterMember } from './map.js';

export interface BlizzardClientOptions {
  config: Config['blizzard'];
  logger: Logger;
  quota?: QuotaGate;
  metrics?: UpstreamMetrics;
  /** Pauses before each retry of a network error or 5xx; its length is the number of retries. */
  retryDelaysMs?: readonly number[];
}

export interface ConditionalOptions {
  /** An earlier response's Last-Modified: Battle.net answers 304 when nothing changed since. */
  ifModifiedSince?: string;
}

const UPSTREAM = 'blizzard';
const DEFAULT_RETRY_DELAYS_MS = [100, 300];
/** Battle.net refuses for "the remainder of the second" and rarely sends Retry-After. */
const DEFAULT_RETRY_AFTER_MS = 1000;

/** Battle.net Profile API: characters, equipment, specializations and guild rosters. */
export class BlizzardClient {
  private readonly tokens: ClientCredentials;
  private readonly quota: QuotaGate;
  private readonly metrics: UpstreamMetrics;
  private readonly retryDelaysMs: readonly number[];

  constructor(private readonly options: BlizzardClientOptions) {
    const { config, logger } = options;
    this.quota = options.quota ?? new UnlimitedQuota();
    this.metrics = options.metrics ?? noopMetrics;
    this.retryDelaysMs = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
    this.tokens = new ClientCredentials({
      upstream: UPSTREAM,
      tokenUrl: config.oauthUrl,
      clientId: config.clientId,
      clientSecret: config.clientSecret,
      timeoutMs: config.timeoutMs,
      logger,
      metrics: this.metrics,
    });
  }

  getProfile(region: Region, realmSlug: string, name: string, options: ConditionalOptions = {}): Promise<Outcome<CharacterProfile>> {
    return this.get(region, characterPath(realmSlug, name), profileSchema, toCharacterProfile, options.ifModifiedSince);
  }

  getEquipment(region: Region, realmSlug: string, name: string, options: ConditionalOptions = {}): Promise<Outcome<EquippedItem[]>> {
    return this.get(region, `${characterPath(realmSlug, name)}/equipment`, equipmentSchema, toEquippedItems, options.ifModifiedSince);
  }

  /**
   * The season's Mythic+ rating and this period's best run per dungeon. Battle.net answers 404 here for a
   * character that exists but never ran a key: that is "no runs", never "unknown character".
   */
  async getMythicPlus(region: Region, realmSlug: string, name: string, options: ConditionalOptions = {}): Promise<Outcome<MythicPlusActivity>> {
    const outcome = await this.get(region, `${characterPath(realmSlug, name)}/mythic-keystone-profile`, mythicKeystoneProfileSchema, toMythicPlus, options.ifModifiedSince);
    return outcome.kind === 'not_found' ? ok(NO_MYTHIC_PLUS) : outcome;
  }

  /** Raid progress per instance and difficulty, with each boss's last kill. */
  getRaids(region: Region, realmSlug: string, name: string, options: ConditionalOptions = {}): Promise<Outcome<RaidActivity>> {
    return this.get(region, `${characterPath(realmSlug, name)}/encounters/raids`, raidEncountersSchema, toRaidActivity, options.ifModifiedSince);
  }

  getSpecializations(region: Region, realmSlug: string, name: string): Promise<Outcome<{ activeSpec: string | null }>> {
    return this.get(region, `${characterPath(realmSlug, name)}/specializations`, specializationsSchema, toActiveSpec);
  }

  getGuildRoster(region: Region, realmSlug: string, guildName: string): Promise<Outcome<GuildRoster>> {
    return this.get(region, guildRosterPath(realmSlug, guildName), rosterSchema, toGuildRoster);
  }

  private async get<S extends z.ZodType, T>(
    region: Region,
    path: string,
    schema: S,
    map: (raw: z.infer<S>) => T,
    ifModifiedSince?: string,
  ): Promise<Outcome<T>> {
    const url = `${this.options.config.apiBaseUrl.replace('{region}', region)}${path}`;
    const sent = await sendAuthorized({
      upstream: UPSTREAM,
      label: 'Battle.net',
      logger: this.options.logger,
      metrics: this.metrics,
      tokens: this.tokens,
      tokenKey: region,
      retryDelaysMs: this.retryDelaysMs,
      admit: () => this.admit(),
      build: (token) => ({
        method: 'GET',
        url,
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/json',
          ...(ifModifiedSince ? { 'if-modified-since': ifModifiedSince } : {}),
        },
        searchParams: { namespace: `profile-${region}`, locale: 'en_US' },
        timeoutMs: this.options.config.timeoutMs,
      }),
    });
    if (sent.kind === 'refused') return sent.outcome;
    const outcome = await this.interpret(sent.result, schema, map);
    this.metrics.request(UPSTREAM, outcome.kind);
    return outcome;
  }

  private async interpret<S extends z.ZodType, T>(result: Attempt, schema: S, map: (raw: z.infer<S>) => T): Promise<Outcome<T>> {
    if (result.kind === 'timeout') return unavailable(`Battle.net did not answer within ${this.options.config.timeoutMs} ms`);
    if (result.kind === 'network') return unavailable(`Battle.net unreachable (${result.code})`);
    switch (result.status) {
      case 200: {
        const json = parseJson(result.body);
        if (!json.ok) return badData('Battle.net response is not JSON');
        const parsed = parseWith(schema, json.value);
        if (!parsed.ok) return badData(parsed.reason);
        return ok(map(parsed.data), headerValue(result.headers, 'last-modified'));
      }
      case 304:
        return notModified();
      // Battle.net answers 403 for profiles it will not expose; for us that is the same as unknown.
      case 403:
      case 404:
        return notFound();
      case 401:
        return unavailable('Battle.net refused a freshly issued token');
      case 429: {
        const waitMs = retryAfterMs(result.headers, DEFAULT_RETRY_AFTER_MS);
        this.metrics.rateLimited(UPSTREAM);
        await this.quota.block(waitMs).catch((error: unknown) => {
          this.options.logger.warn({ upstream: UPSTREAM, err: String(error) }, 'could not share the Battle.net pause');
        });
        return rateLimited(waitMs);
      }
      default:
        return unavailable(`Battle.net answered HTTP ${result.status}`);
    }
  }

  /** Every attempt, retries included, passes the shared quota gate first. */
  private async admit(): Promise<string | undefined> {
    try {
      await this.quota.acquire();
      return undefined;
    } catch (error) {
      this.options.logger.error({ upstream: UPSTREAM, err: String(error) }, 'Battle.net quota gate failed');
      return 'Battle.net quota store unreachable';
    }
  }
}
