import type { Config } from '../../config.js';
import type { Logger } from '../../logger.js';
import { sendAuthorized } from '../authorized-request.js';
import { parseJson, retryAfterMs, type Attempt } from '../http.js';
import { noopMetrics, type UpstreamMetrics } from '../metrics.js';
import { ClientCredentials } from '../oauth.js';
import { badData, notFound, ok, rateLimited, unavailable, type Outcome } from '../outcome.js';
import { parseWith } from '../validate.js';
import { toGuildRanking, type GuildRanking, type WclRegion } from './map.js';
import { GUILD_PROGRESS_QUERY, type GuildProgressVariables } from './query.js';
import { graphqlEnvelopeSchema, guildProgressDataSchema, type RateLimitData } from './schemas.js';

export type { GuildRanking, RankTriple, WclRegion } from './map.js';

/** Midnight Season 1 (Voidspire, Dreamrift, March on Quel'Danas) on WarcraftLogs. */
export const DEFAULT_ZONE_ID = 46;

export interface GuildRankingRequest {
  name: string;
  realmSlug: string;
  region: WclRegion;
  zoneId?: number;
}

export interface WarcraftLogsClientOptions {
  config: Config['warcraftlogs'];
  logger: Logger;
  timeoutMs: number;
  metrics?: UpstreamMetrics;
  retryDelaysMs?: readonly number[];
}

const UPSTREAM = 'warcraftlogs';
const DEFAULT_RETRY_DELAYS_MS = [200, 600];
/** WarcraftLogs rarely says how long to wait after a 429; its points reset hourly. */
const DEFAULT_RETRY_AFTER_MS = 60_000;

/**
 * Guild rankings from WarcraftLogs' GraphQL API. Points are budgeted per hour; the client remembers the last
 * `rateLimitData` it saw and stops sending, keeping a small reserve, until the points reset.
 */
export class WarcraftLogsClient {
  private readonly tokens: ClientCredentials;
  private readonly metrics: UpstreamMetrics;
  private readonly retryDelaysMs: readonly number[];
  private pointsBlockedUntil = 0;

  constructor(private readonly options: WarcraftLogsClientOptions) {
    this.metrics = options.metrics ?? noopMetrics;
    this.retryDelaysMs = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
    this.tokens = new ClientCredentials({
      upstream: UPSTREAM,
      tokenUrl: options.config.oauthUrl,
      clientId: options.config.clientId,
      clientSecret: options.config.clientSecret,
      timeoutMs: options.timeoutMs,
      logger: options.logger,
      metrics: this.metrics,
    });
  }

  async getGuildRanking(request: GuildRankingRequest): Promise<Outcome<GuildRanking>> {
    const waitMs = this.pointsBlockedUntil - Date.now();
    if (waitMs > 0) {
      this.metrics.rateLimited(UPSTREAM);
      return rateLimited(waitMs);
    }
    const variables: GuildProgressVariables = {
      name: request.name,
      serverSlug: request.realmSlug,
      serverRegion: request.region.toUpperCase(),
      zoneId: request.zoneId ?? DEFAULT_ZONE_ID,
    };
    const sent = await sendAuthorized({
      upstream: UPSTREAM,
      label: 'WarcraftLogs',
      logger: this.options.logger,
      metrics: this.metrics,
      tokens: this.tokens,
      retryDelaysMs: this.retryDelaysMs,
      build: (token) => ({
        method: 'POST',
        url: this.options.config.apiUrl,
        headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
        json: { query: GUILD_PROGRESS_QUERY, variables },
        timeoutMs: this.options.timeoutMs,
      }),
    });
    if (sent.kind === 'refused') return sent.outcome;
    const outcome = this.interpret(sent.result, request);
    this.metrics.request(UPSTREAM, outcome.kind);
    return outcome;
  }

  private interpret(result: Attempt, request: GuildRankingRequest): Outcome<GuildRanking> {
    if (result.kind === 'timeout') return unavailable(`WarcraftLogs did not answer within ${this.options.timeoutMs} ms`);
    if (result.kind === 'network') return unavailable(`WarcraftLogs unreachable (${result.code})`);
    if (result.status === 429) {
      const waitMs = retryAfterMs(result.headers, DEFAULT_RETRY_AFTER_MS);
      this.pointsBlockedUntil = Date.now() + waitMs;
      this.metrics.rateLimited(UPSTREAM);
      return rateLimited(waitMs);
    }
    if (result.status !== 200) return unavailable(`WarcraftLogs answered HTTP ${result.status}`);

    const json = parseJson(result.body);
    if (!json.ok) return badData('WarcraftLogs response is not JSON');
    const envelope = parseWith(graphqlEnvelopeSchema, json.value);
    if (!envelope.ok) return badData(envelope.reason);
    if (envelope.data.data == null) {
      const message = envelope.data.errors?.[0]?.message ?? 'no data';
      return badData(`WarcraftLogs query failed: ${message}`);
    }
    const parsed = parseWith(guildProgressDataSchema, envelope.data.data);
    if (!parsed.ok) return badData(parsed.reason);
    const data = parsed.data;
    if (data.rateLimitData) this.notePoints(data.rateLimitData);
    if (data.guildData.guild === null) return notFound();
    const zone = data.worldData?.zone;
    if (!zone) return badData(`WarcraftLogs knows no zone ${request.zoneId ?? DEFAULT_ZONE_ID}`);
    return ok(
      toGuildRanking(data.guildData.guild, zone, data.reportData?.reports?.data ?? [], request.region, {
        guilds: data.worldData?.server?.guilds?.data ?? [],
        reportsTotal: data.reportData?.reports?.total,
      }),
    );
  }

  /** Stops sending before the hour's points run out: the rest of the hour stays for other users of the key. */
  private notePoints(rate: RateLimitData): void {
    const reserve = Math.max(10, rate.limitPerHour * 0.02);
    if (rate.pointsSpentThisHour >= rate.limitPerHour - reserve) {
      this.pointsBlockedUntil = Date.now() + rate.pointsResetIn * 1000;
      this.options.logger.warn(
        { upstream: UPSTREAM, pointsSpent: rate.pointsSpentThisHour, limitPerHour: rate.limitPerHour, resetInS: rate.pointsResetIn },
        'WarcraftLogs points nearly spent; pausing until they reset',
      );
    }
    this.metrics.quotaRemaining?.(UPSTREAM, Math.max(0, rate.limitPerHour - rate.pointsSpentThisHour));
  }
}
