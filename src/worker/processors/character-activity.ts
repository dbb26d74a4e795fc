import { UnrecoverableError, Worker } from 'bullmq';
import { dropCharacterResponses } from '../../cache/invalidate.js';
import {
  findStoredActivity, recordActivityError, saveActivity, type StoredActivity,
} from '../../db/tables/character-activity.js';
import type { CharacterKey } from '../../db/tables/characters.js';
import { currentGuildIds } from '../../db/tables/guild-memberships.js';
import { isActivityDue, resetPeriodAt, weeklySummary, type MythicPlusActivity, type RaidActivity } from '../../domain/activity.js';
import type { CharacterActivityPayload } from '../../queue/character-activity.js';
import { nameKey } from '../../queue/schemas.js';
import type { FailedOutcome, Outcome } from '../../upstream/outcome.js';
import type { WorkerContext } from '../context.js';
import type { JobProcessor } from './index.js';

export interface CharacterActivityResult {
  status: 'ok' | 'not_modified' | 'not_due';
}

const EMPTY_RAIDS: RaidActivity = Object.freeze({ modes: [], encounters: [] });
const EMPTY_MYTHIC_PLUS: MythicPlusActivity = Object.freeze({ score: null, color: null, runs: [] });

/** A pause beats everything, then the answers retrying cannot change. */
const FAILURE_ORDER: FailedOutcome['kind'][] = ['rate_limited', 'bad_data', 'unavailable', 'not_found'];

function firstFailure(...outcomes: Outcome<unknown>[]): FailedOutcome | undefined {
  // The profile answered moments ago, so a 404 here is no data for this character, not an unknown one.
  const failed = outcomes.filter((o): o is FailedOutcome => o.kind !== 'ok' && o.kind !== 'not_modified' && o.kind !== 'not_found');
  failed.sort((a, b) => FAILURE_ORDER.indexOf(a.kind) - FAILURE_ORDER.indexOf(b.kind));
  return failed[0];
}

/** Validators only with stored lists to fall back on, so a 304 always leaves data behind. */
const since = (stored: StoredActivity, lastModified: string | null, data: unknown) =>
  stored.fetchedAt !== null && data !== null ? (lastModified ?? undefined) : undefined;

async function refreshActivity(ctx: WorkerContext, payload: CharacterActivityPayload): Promise<CharacterActivityResult> {
  const key: CharacterKey = { region: payload.region, realm: payload.realm, nameKey: nameKey(payload.name) };
  const em = ctx.orm.em.fork();
  const stored = await findStoredActivity(em, key);
  // Checked again here: a job queued twice, or after another fetch, costs no request.
  if (!stored || !isActivityDue(stored)) return { status: 'not_due' };

  const [mythicPlus, raids] = await Promise.all([
    ctx.blizzard.getMythicPlus(payload.region, payload.realm, payload.name, { ifModifiedSince: since(stored, stored.mythicPlusLastModified, stored.mythicPlus) }),
    ctx.blizzard.getRaids(payload.region, payload.realm, payload.name, { ifModifiedSince: since(stored, stored.raidsLastModified, stored.raids) }),
  ]);
  const now = ctx.clock.now();
  const failure = firstFailure(mythicPlus, raids);
  if (failure) return handleFailure(ctx, payload, key, stored.characterId, failure, now);

  const mplusData = mythicPlus.kind === 'ok' ? mythicPlus.data : (stored.mythicPlus ?? EMPTY_MYTHIC_PLUS);
  const raidData = raids.kind === 'ok' ? raids.data : raids.kind === 'not_found' ? EMPTY_RAIDS : (stored.raids ?? EMPTY_RAIDS);
  const period = resetPeriodAt(now, payload.region, ctx.config.weeklyResets);
  await saveActivity(em, stored.characterId, {
    mythicPlus: mythicPlus.kind === 'ok' ? { data: mythicPlus.data, lastModified: mythicPlus.lastModified } : null,
    raids: raids.kind === 'ok' ? { data: raids.data, lastModified: raids.lastModified } : raids.kind === 'not_found' ? { data: EMPTY_RAIDS, lastModified: null } : null,
    summary: weeklySummary(raidData, mplusData, period.startsAt),
    score: mplusData.score,
    loginAt: stored.lastLoginAt,
    fetchedAt: now,
  });
  await dropCaches(ctx, key, stored.characterId);
  return { status: mythicPlus.kind === 'not_modified' && raids.kind === 'not_modified' ? 'not_modified' : 'ok' };
}

async function handleFailure(
  ctx: WorkerContext,
  payload: CharacterActivityPayload,
  key: CharacterKey,
  characterId: number,
  failure: FailedOutcome,
  now: Date,
): Promise<never> {
  const em = ctx.orm.em.fork();
  const reason = failure.kind === 'rate_limited' ? `rate limited by Battle.net for ${failure.retryAfterMs} ms` : 'reason' in failure ? failure.reason : failure.kind;
  // The last activity stays; readers see it marked stale.
  await recordActivityError(em, characterId, reason, now);
  await dropCaches(ctx, key, characterId);
  switch (failure.kind) {
    case 'rate_limited':
      await ctx.queues.characterRefresh.rateLimit(Math.max(1, Math.ceil(failure.retryAfterMs)));
      throw Worker.RateLimitError();
    case 'bad_data':
      throw new UnrecoverableError(`Battle.net sent unusable activity for ${payload.name}-${payload.realm}: ${reason}`);
    default:
      throw new Error(`Battle.net unavailable for ${payload.name}-${payload.realm}'s activity: ${reason}`);
  }
}

async function dropCaches(ctx: WorkerContext, key: CharacterKey, characterId: number): Promise<void> {
  const guildIds = await currentGuildIds(ctx.orm.em.fork(), characterId);
  await dropCharacterResponses(ctx.redis, ctx.keys, key, guildIds);
}

export const characterActivityProcessor: JobProcessor<'characterActivity'> = {
  subject: ({ region, realm, name }) => ({ character: `${region}/${realm}/${name}` }),
  create: (ctx) => (payload) => refreshActivity(ctx, payload),
};
