import { DelayedError, UnrecoverableError, type Job, type WorkerOptions } from 'bullmq';
import {
  markComparisonNotFound, recordComparisonError, saveComparison, type ComparisonKey,
} from '../../db/tables/guild-comparisons.js';
import type { GuildComparisonPayload } from '../../queue/guild-comparison.js';
import { nameKey } from '../../queue/schemas.js';
import type { WorkerContext } from '../context.js';
import { SHORT_JOB_LOCKS } from './payload.js';
import type { JobProcessor } from './index.js';

export interface GuildComparisonResult {
  status: 'ok' | 'not_found';
}

async function compareGuild(ctx: WorkerContext, payload: GuildComparisonPayload, job: Job, token: string | undefined): Promise<GuildComparisonResult> {
  // Keyed by what was asked, so the api finds the row under the same name it enqueued.
  const key: ComparisonKey = { region: payload.region, realm: payload.realm, guildNameKey: nameKey(payload.guildName), guildName: payload.guildName };
  const em = ctx.orm.em.fork();
  const ranking = await ctx.warcraftlogs.getGuildRanking({ name: payload.guildName, realmSlug: payload.realm, region: payload.region });
  switch (ranking.kind) {
    case 'ok':
      await saveComparison(em, key, ranking.data, ctx.clock.now());
      return { status: 'ok' };
    case 'not_found':
      await markComparisonNotFound(em, key, ctx.clock.now());
      return { status: 'not_found' };
    case 'rate_limited':
      // WarcraftLogs points reset hourly; waiting out the reset uses no attempt.
      await job.moveToDelayed(Date.now() + Math.ceil(ranking.retryAfterMs), token);
      throw new DelayedError();
    case 'not_modified':
      throw new Error('WarcraftLogs answered 304 to a request sent without validators');
    case 'bad_data':
      await recordComparisonError(em, key, ranking.reason, ctx.clock.now());
      throw new UnrecoverableError(`WarcraftLogs sent unusable data for ${payload.guildName}-${payload.realm}: ${ranking.reason}`);
    case 'unavailable':
      await recordComparisonError(em, key, ranking.reason, ctx.clock.now());
      throw new Error(`WarcraftLogs unavailable for ${payload.guildName}-${payload.realm}: ${ranking.reason}`);
  }
}

export const guildComparisonWorker = (): Partial<WorkerOptions> => ({ concurrency: 2, ...SHORT_JOB_LOCKS });

export const guildComparisonProcessor: JobProcessor<'guildComparison'> = {
  create: (ctx) => (payload, job, token) => compareGuild(ctx, payload, job, token),
};
