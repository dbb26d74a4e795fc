import { findComparison, type ComparisonRecord } from '../../db/tables/guild-comparisons.js';
import { invalidInput, notFound } from '../../errors.js';
import { comparisonJobKey, guildComparisonJob, guildComparisonPayloadSchema, type GuildComparisonPayload } from '../../queue/guild-comparison.js';
import { nameKey } from '../../queue/schemas.js';
import type { ApiDeps } from '../deps.js';
import type { GuildAccessState } from '../middleware/permission.js';
import { presentComparison } from '../presenters/comparison.js';
import type { ComparisonJson } from '../schemas/comparisons.js';
import { spendComparisonName } from './comparison-budget.js';
import { guildIdentity } from './guild-context.js';
import { RefreshOnMissReader, type ReadTarget } from './refresh-on-miss.js';

/** What the comparisons use of the api's services. */
export type ComparisonDeps = Pick<ApiDeps, 'config' | 'clock' | 'logger' | 'orm' | 'redis' | 'keys' | 'queues' | 'comparisonEvents'>;

export type ComparisonResult = { kind: 'ok'; body: ComparisonJson } | { kind: 'pending' };

export interface ComparisonAsk {
  guild_name?: string;
  realm?: string;
  region?: GuildComparisonPayload['region'];
}

const guildNotFound = () => notFound('Guild not found on WarcraftLogs', 'guild_not_found');


/**
 * A guild's WarcraftLogs ranking, served from its projection through the same refresh-on-miss reader as the
 * character view. The guild asked about defaults to the caller's own guild as guild-api describes it.
 */
export class Comparisons {
  private readonly reader: RefreshOnMissReader<ComparisonRecord>;

  constructor(private readonly deps: ComparisonDeps) {
    this.reader = new RefreshOnMissReader(deps, {
      source: 'WarcraftLogs',
      isComplete: (c) => c.zoneId !== null,
      notFound: guildNotFound,
      notAvailable: 'Guild rankings are not available',
      events: deps.comparisonEvents,
    });
  }

  async get(access: GuildAccessState, ask: ComparisonAsk): Promise<ComparisonResult> {
    const payload = await this.target(access, ask);
    await spendComparisonName(this.deps, access.guildId, `${payload.region}/${payload.realm}/${nameKey(payload.guildName)}`);
    const outcome = await this.reader.read(this.readTarget(payload));
    if (outcome.kind === 'pending') return outcome;
    return { kind: 'ok', body: presentComparison(outcome.row, outcome.fresh) };
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

  private readTarget(p: GuildComparisonPayload): ReadTarget<ComparisonRecord> {
    return {
      key: comparisonJobKey(p),
      read: () => findComparison(this.deps.orm, p.region, p.realm, nameKey(p.guildName)),
      enqueue: () => guildComparisonJob.enqueue(this.deps.queues, p),
    };
  }
}
