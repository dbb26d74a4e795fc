import { UnrecoverableError, Worker, type WorkerOptions } from 'bullmq';
import { dropCharacterResponses } from '../../cache/invalidate.js';
import { gainWindowStart, markCharacterNotFound, recordCharacterError, saveCharacterProjection } from '../../db/character-projection.js';
import { findStoredCharacter, type StoredCharacter } from '../../db/tables/character-progress.js';
import type { CharacterIdentity, CharacterKey } from '../../db/tables/characters.js';
import { isActivityDue, isKnownMissing, roleOf } from '../../domain/index.js';
import { JOBS } from '../../queue/registry.js';
import type { CharacterRefreshPayload } from '../../queue/character-refresh.js';
import { nameKey } from '../../queue/schemas.js';
import type { CharacterProfile } from '../../upstream/blizzard/client.js';
import { notModified, type FailedOutcome, type Outcome } from '../../upstream/outcome.js';
import type { EquippedItem } from '../../domain/types.js';
import { gearSnapshot } from '../character-gear.js';
import type { WorkerContext } from '../context.js';
import { emitTargetMet } from '../target-events.js';
import { SHORT_JOB_LOCKS } from './payload.js';
import type { JobProcessor } from './index.js';

export interface CharacterRefreshResult {
  status: 'ok' | 'not_modified' | 'not_found' | 'already_fresh';
}

/**
 * At most two Battle.net calls per character: the profile summary (class, level and the active spec, which is
 * all the role needs, so the specializations endpoint is never called), then the equipment, unless the profile
 * answered 304: gear only changes while a character is logged in, which moves the profile's Last-Modified, so
 * an unchanged profile means unchanged gear and the refresh costs one call. An activity job on the same queue
 * makes two (the Mythic+ profile and the raid encounters), so the queue's limiter holds for both.
 */
export const REQUESTS_PER_REFRESH = 2;

/** Validators are only sent when the stored projection is complete: a 304 must leave usable data behind. */
function validatorsOf(stored: StoredCharacter | undefined) {
  const isComplete = stored?.fetchStatus === 'ok' && stored.itemLevel !== null && stored.className !== null;
  return {
    profile: isComplete ? (stored.profileLastModified ?? undefined) : undefined,
    equipment: isComplete ? (stored.lastModified ?? undefined) : undefined,
  };
}

/** How a refresh ended and how many Battle.net calls it made, for `progress_blizzard_requests_per_refresh`. */
interface Tally {
  requests: number;
  result: CharacterRefreshResult['status'] | FailedOutcome['kind'] | 'failed';
}

/**
 * Fetched by another job since the producer looked at the row: a row never fetched then and fetched now, or
 * one fetched later than the instant it saw. Comparing stored instants only (not the producer's clock), so a
 * refresh that began before the producer looked and wrote after it counts, and a clock standing still does not.
 */
function isFetchedSince(stored: StoredCharacter, seenFetchedAt: number | null | undefined): boolean {
  if (seenFetchedAt === undefined || stored.fetchStatus !== 'ok' || stored.fetchedAt === null) return false;
  return seenFetchedAt === null || stored.fetchedAt.getTime() > seenFetchedAt;
}

function identityFrom(profile: CharacterProfile): CharacterIdentity {
  return {
    name: profile.name,
    blizzardId: profile.id,
    className: profile.className,
    specName: profile.specName,
    role: roleOf(profile.className, profile.specName),
    level: profile.level,
  };
}

async function refreshCharacter(ctx: WorkerContext, payload: CharacterRefreshPayload): Promise<CharacterRefreshResult> {
  const tally: Tally = { requests: 0, result: 'failed' };
  try {
    const result = await refresh(ctx, payload, tally);
    tally.result = result.status;
    return result;
  } finally {
    ctx.metrics.blizzardRequestsPerRefresh.observe({ result: tally.result }, tally.requests);
  }
}

async function refresh(ctx: WorkerContext, payload: CharacterRefreshPayload, tally: Tally): Promise<CharacterRefreshResult> {
  const key: CharacterKey = { region: payload.region, realm: payload.realm, nameKey: nameKey(payload.name) };
  const em = ctx.orm.em.fork();
  // The history the weekly gain needs comes with the stored row; a day boundary crossed before the write
  // only narrows the window, which the write filters again.
  const stored = await findStoredCharacter(em, key, gainWindowStart(ctx.clock.now().toISOString().slice(0, 10)));
  // However the job got here (a guild's fan-out, a webhook, a reader), an unknown character costs no call
  // while Battle.net's "not found" is believed; only an operator's manual refresh asks again.
  if (stored && payload.reason !== 'manual' && isKnownMissing(stored, ctx.config.notFoundCacheTtl, ctx.clock.now().getTime())) {
    return { status: 'not_found' };
  }
  // Found due, and fetched by another job since (two syncs of the guild overlapping, one on each api replica,
  // or a reader's refresh finishing as the sync looked): this one would spend the quota on the same answer.
  if (stored && payload.reason !== 'manual' && isFetchedSince(stored, payload.seenFetchedAt)) return { status: 'already_fresh' };
  const validators = validatorsOf(stored);
  tally.requests += 1;
  const profile = await ctx.blizzard.getProfile(payload.region, payload.realm, payload.name, { ifModifiedSince: validators.profile });
  if (profile.kind !== 'ok' && profile.kind !== 'not_modified') return handleFailure(ctx, payload, key, profile, tally);
  let equipment: Outcome<EquippedItem[]> = notModified();
  if (profile.kind === 'ok') {
    tally.requests += 1;
    equipment = await ctx.blizzard.getEquipment(payload.region, payload.realm, payload.name, { ifModifiedSince: validators.equipment });
    if (equipment.kind !== 'ok' && equipment.kind !== 'not_modified') return handleFailure(ctx, payload, key, equipment, tally);
  }

  const fetchedAt = ctx.clock.now();
  const day = fetchedAt.toISOString().slice(0, 10);
  // The plan in force decides which expansion's gear rules apply.
  const plan = await ctx.season.planFor(fetchedAt, payload.region, payload.guildId);
  // A 304 is only possible with validators, which are only sent for a complete stored projection.
  const base = stored as StoredCharacter;
  const gear = equipment.kind === 'ok' ? gearSnapshot(equipment.data, plan.expansion, equipment.lastModified) : null;
  const identity = profile.kind === 'ok' ? identityFrom(profile.data) : base;
  const itemLevel = gear ? gear.itemLevel : base.itemLevel;
  const { guildIds, formerKey, activity } = await saveCharacterProjection(em, {
    key,
    identity,
    profileLastModified: profile.kind === 'ok' ? profile.lastModified : base.profileLastModified,
    gear,
    itemLevel,
    fetchedAt,
    day,
    history: stored?.history ?? [],
    lastLoginAt: profile.kind === 'ok' && profile.data.lastLoginAt !== null ? new Date(profile.data.lastLoginAt) : null,
  });
  await emitTargetMet(ctx, key, identity.name, { before: stored?.itemLevel ?? null, after: itemLevel }, guildIds, fetchedAt);
  await dropCaches(ctx, key, guildIds, payload.guildId);
  // A renamed character's view under its former name must not outlive the rename in the cache.
  if (formerKey) await dropCaches(ctx, formerKey, guildIds, payload.guildId);
  if (ctx.config.activityRefresh && isActivityDue(activity)) await queueActivity(ctx, payload);
  return { status: profile.kind === 'not_modified' && equipment.kind === 'not_modified' ? 'not_modified' : 'ok' };
}

/**
 * Activity is fetched by a job of its own, after the gear is saved and behind every waiting refresh, so a
 * reader waiting on this refresh never waits on activity calls. It is queued only when the character logged in
 * since activity was last fetched (a 304 profile means no new log-in): the write that saved the gear noted the
 * log-in and read that state. Failing to queue it costs the gear nothing.
 */
async function queueActivity(ctx: WorkerContext, payload: CharacterRefreshPayload) {
  try {
    await JOBS.characterActivity.enqueue(ctx.queues, { region: payload.region, realm: payload.realm, name: payload.name });
  } catch (err) {
    ctx.logger.warn({ character: `${payload.region}/${payload.realm}/${payload.name}`, err: (err as Error).message }, 'could not queue the activity refresh');
  }
}

async function handleFailure(
  ctx: WorkerContext,
  payload: CharacterRefreshPayload,
  key: CharacterKey,
  failure: FailedOutcome,
  tally: Tally,
): Promise<CharacterRefreshResult> {
  tally.result = failure.kind;
  const em = ctx.orm.em.fork();
  const now = ctx.clock.now();
  switch (failure.kind) {
    case 'rate_limited':
      // Readers are told the data could not be refreshed while Battle.net holds us back.
      await recordCharacterError(em, key, payload.name, `rate limited by Battle.net for ${failure.retryAfterMs} ms`, now);
      await dropCaches(ctx, key, [], payload.guildId);
      // The client has already paused the shared quota gate; this pauses the whole queue as well, and the
      // job goes back to waiting without using an attempt.
      await ctx.queues.characterRefresh.rateLimit(Math.max(1, Math.ceil(failure.retryAfterMs)));
      throw Worker.RateLimitError();
    case 'not_found': {
      // The not_found row is the one record of it: readers believe it for NOT_FOUND_CACHE_TTL.
      const guildIds = await markCharacterNotFound(em, key, payload.name, now);
      await dropCaches(ctx, key, guildIds, payload.guildId);
      return { status: 'not_found' };
    }
    case 'bad_data':
      await recordCharacterError(em, key, payload.name, failure.reason, now);
      await dropCaches(ctx, key, [], payload.guildId);
      // Retrying cannot fix a body Battle.net keeps sending: fail now, with the reason on the job.
      throw new UnrecoverableError(`Battle.net sent unusable data for ${payload.name}-${payload.realm}: ${failure.reason}`);
    case 'unavailable':
      await recordCharacterError(em, key, payload.name, failure.reason, now);
      await dropCaches(ctx, key, [], payload.guildId);
      throw new Error(`Battle.net unavailable for ${payload.name}-${payload.realm}: ${failure.reason}`);
  }
}

function dropCaches(ctx: WorkerContext, key: CharacterKey, guildIds: number[], waitingGuildId: number | undefined): Promise<void> {
  const guilds = new Set(guildIds);
  if (waitingGuildId !== undefined) guilds.add(waitingGuildId);
  return dropCharacterResponses(ctx.redis, ctx.keys, key, [...guilds]);
}

export const characterRefreshWorker = (ctx: WorkerContext): Partial<WorkerOptions> => ({
  // Jobs mostly wait on Battle.net, so concurrency is the number of requests kept in flight.
  concurrency: ctx.config.workerConcurrency,
  // Holds jobs in Redis at the rate the quota allows (the gate stays the precise guard), and is what makes
  // a queue-wide pause after a 429 possible at all: BullMQ only honours rateLimit() on a limited worker.
  limiter: {
    max: Math.max(1, Math.floor((ctx.config.blizzard.quotaPerSecond * (1 - ctx.config.blizzard.quotaHeadroom)) / REQUESTS_PER_REFRESH)),
    duration: 1000,
  },
  ...SHORT_JOB_LOCKS,
});

export const characterRefreshProcessor: JobProcessor<'characterRefresh'> = {
  subject: ({ region, realm, name, guildId }) => ({ guildId, character: `${region}/${realm}/${name}` }),
  create: (ctx) => (payload) => refreshCharacter(ctx, payload),
};
