import { findComparison, type ComparisonRecord } from '../../db/queries/comparisons.js';
import { invalidInput, notFound, serviceUnavailable } from '../../errors.js';
import { comparisonJobKey, enqueueGuildComparison, guildComparisonPayloadSchema, type GuildComparisonPayload } from '../../queue/guild-comparison.js';
import { nameKey } from '../../queue/schemas.js';
import { isRedisUp } from '../../redis.js';
import type { ApiDeps } from '../deps.js';
import type { GuildAccessState } from '../middleware/permission.js';
import { presentComparison } from '../presenters/comparison.js';
import type { ComparisonJson } from '../schemas/comparisons.js';
import { freshnessOf } from './freshness.js';
import { guildIdentity } from './guild-context.js';
import { fromDatabase } from './read-model.js';
import { refreshAndWait, type WaitOutcome } from './refresh-wait.js';
import { SingleFlight } from './single-flight.js';

export type ComparisonResult = { kind: 'ok'; body: ComparisonJson } | { kind: 'pending' };

export interface ComparisonAsk {
  guild_name?: string;
  realm?: string;
  region?: GuildComparisonPayload['region'];
}

const guildNotFound = () => notFound('Guild not found on WarcraftLogs', 'guild_not_found');
const upstreamUnavailable = () =>
  serviceUnavailable('upstream_unavailable', 'Guild rankings are not available: WarcraftLogs could not be reached', 30);

const hasData = (c: ComparisonRecord) => c.fetchStatus !== 'not_found' && c.fetchedAt !== null && c.zoneId !== null;

/**
 * A guild's WarcraftLogs ranking, served from its projection like the character view: a miss waits briefly
 * for the worker, stale data is served while a refresh runs, a failed refresh is flagged with a notice.
 * The guild asked about defaults to the caller's own guild as guild-api describes it.
 */
export class Comparisons {
  private readonly misses = new SingleFlight<WaitOutcome>();

  constructor(private readonly deps: ApiDeps) {}

  async get(access: GuildAccessState, ask: ComparisonAsk): Promise<ComparisonResult> {
    const payload = await this.target(access, ask);
    const record = await this.read(payload);
    return this.serve(payload, record, true);
  }

  private async target(access: GuildAccessState, ask: ComparisonAsk): Promise<GuildComparisonPayload> {
    const own = ask.guild_name && ask.realm && ask.region ? undefined : await guildIdentity(this.deps, access);
    const guildName = ask.guild_name ?? own?.name;
    const realm = ask.realm ?? own?.realm;
    const region = ask.region ?? own?.region ?? this.deps.config.blizzard.region;
    const missing = [!guildName && 'guild_name', !realm && 'realm'].filter((f): f is string => typeof f === 'string');
    if (missing.length) {
      const message = 'is required: the guild is not known to progress-api yet';
      throw invalidInput(`Invalid parameter: ${missing.join(', ')}`, missing.map((field) => ({ field, in: 'query', message })));
    }
    const parsed = guildComparisonPayloadSchema.safeParse({ guildName, realm, region });
    if (!parsed.success) throw invalidInput('Invalid parameter: guild_name', [{ field: 'guild_name', in: 'query', message: 'is not a guild name' }]);
    return parsed.data;
  }

  private read(p: GuildComparisonPayload): Promise<ComparisonRecord | undefined> {
    return fromDatabase(this.deps.logger, () => findComparison(this.deps.orm, p.region, p.realm, nameKey(p.guildName)));
  }

  private async serve(p: GuildComparisonPayload, record: ComparisonRecord | undefined, mayWait: boolean): Promise<ComparisonResult> {
    const { config, redis } = this.deps;
    const canRefresh = isRedisUp(redis);
    if (record && this.isKnownMissing(record)) throw guildNotFound();
    if (record && hasData(record)) {
      const fresh = freshnessOf(record, config.characterCacheTtl, 'WarcraftLogs', canRefresh);
      if (fresh.isExpired && canRefresh) this.refreshInBackground(p);
      return { kind: 'ok', body: presentComparison(record, fresh) };
    }
    if (!canRefresh) throw upstreamUnavailable();
    if (record?.fetchStatus === 'error') {
      this.refreshInBackground(p);
      throw upstreamUnavailable();
    }
    if (!mayWait) return { kind: 'pending' };
    const outcome = await this.misses.run(comparisonJobKey(p), () =>
      refreshAndWait(() => enqueueGuildComparison(this.deps.queues.guildComparison, p), this.deps.comparisonEvents, config.characterWaitMs),
    );
    if (outcome === 'not_found') throw guildNotFound();
    if (outcome === 'unavailable') throw upstreamUnavailable();
    return this.serve(p, await this.read(p), false);
  }

  private isKnownMissing(record: ComparisonRecord): boolean {
    if (record.fetchStatus !== 'not_found' || record.fetchedAt === null) return false;
    return Date.now() - Date.parse(record.fetchedAt) < this.deps.config.notFoundCacheTtl * 1000;
  }

  private refreshInBackground(p: GuildComparisonPayload): void {
    enqueueGuildComparison(this.deps.queues.guildComparison, p).catch((err: Error) =>
      this.deps.logger.warn({ err: err.message }, 'could not enqueue a guild comparison'),
    );
  }
}
