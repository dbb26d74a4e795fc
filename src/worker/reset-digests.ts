import { pendingDeliveries } from '../db/tables/event-deliveries.js';
import { findDiscordWebhook } from '../db/tables/guild-discord-webhooks.js';
import { findGuild } from '../db/tables/guilds.js';
import { claimResetDigest, guildsWithResetIntegrations, hasResetDigest, recordDigestOutcome } from '../db/tables/reset-digests.js';
import { MS_PER_WEEK, nextResetAfter } from '../domain/resets.js';
import { describeOutcome, isSuccess, outcomeOf } from '../outbound/client.js';
import { queueDeliveries, recordEvent } from '../outbound/events.js';
import { buildGuildDigest, digestEventData, postDigest } from '../outbound/reset-digest.js';
import { eventDeliveryJob, resetDigestJob, type ResetDigestPayload } from '../queue/outbound.js';
import { regionSchema } from '../queue/schemas.js';
import { inTransaction } from '../db/sql.js';
import type { WorkerContext } from './context.js';
import { outboundPolicyOf } from './event-delivery.js';

/** A reset noticed later than this (the workers were all down) is not announced any more: its news is old. */
const ANNOUNCE_WITHIN_MS = 24 * 3600 * 1000;
/** A delivery still pending this long after it was recorded has lost its job (Redis lost it, a crash): queued again. */
const REQUEUE_PENDING_AFTER_MS = 5 * 60 * 1000;

/**
 * The periodic check every worker runs: each guild with a Discord webhook or a reset event subscription whose
 * region's last reset has passed since it was set up, and whose reset has no digest row yet, gets its digest job
 * (one job id per guild and reset, so replicas queue it once). Then deliveries that lost their job are queued
 * again. Answers the digests queued.
 */
export async function checkResets(ctx: WorkerContext): Promise<number> {
  const now = ctx.clock.now();
  let queued = 0;
  for (const guild of await guildsWithResetIntegrations(ctx.orm)) {
    const region = regionSchema.safeParse(guild.region);
    const lastReset = nextResetAfter(new Date(now.getTime() - MS_PER_WEEK), region.success ? region.data : ctx.config.blizzard.region, ctx.config.weeklyResets);
    if (lastReset <= guild.since || now.getTime() - lastReset.getTime() > ANNOUNCE_WITHIN_MS) continue;
    if (await hasResetDigest(ctx.orm, guild.guildId, lastReset)) continue;
    await resetDigestJob.enqueue(ctx.queues, { guildId: guild.guildId, resetAt: lastReset.toISOString() });
    queued += 1;
  }
  const stranded = await pendingDeliveries(ctx.orm, new Date(now.getTime() - REQUEUE_PENDING_AFTER_MS), 1000);
  if (stranded.length > 0) await eventDeliveryJob.enqueueMany(ctx.queues, stranded.map((deliveryId) => ({ deliveryId })));
  return queued;
}

export type DigestResult = { status: 'sent' | 'already_sent' | 'skipped'; reason?: string };

/**
 * A guild's reset digest, once: the reset's row is claimed and locked first, so a second replica (or a retry
 * after a restart) waits, then finds it sent. Under that lock the reset's events (`digest.weekly`, one
 * `character.fell_behind` per member) are recorded with ids derived from the reset, and the Discord message is
 * posted; a Discord failure is recorded and retried with backoff, the events already recorded are not repeated.
 */
export async function sendResetDigest(ctx: WorkerContext, payload: ResetDigestPayload): Promise<DigestResult> {
  const resetAt = new Date(payload.resetAt);
  const em = ctx.orm.em.fork();
  const stored = await findGuild(em, payload.guildId);
  if (!stored) return { status: 'skipped', reason: 'guild not tracked' };
  const region = regionSchema.safeParse(stored.region);
  const guild = { id: stored.id, name: stored.name, region: region.success ? region.data : ctx.config.blizzard.region };
  const digest = await buildGuildDigest(ctx, guild, resetAt);
  const deliveries: number[] = [];
  const outcome = await inTransaction(em, async (tx): Promise<{ status: 'sent' | 'already_sent' } | { status: 'failed'; error: string }> => {
    const claim = await claimResetDigest(tx, guild.id, resetAt, digest.week);
    if (claim.status === 'sent') return { status: 'already_sent' };
    const now = ctx.clock.now();
    const resetKey = resetAt.toISOString();
    deliveries.push(...(await recordEvent(tx, { type: 'digest.weekly', guildId: guild.id, occurredAt: resetAt, data: digestEventData(digest), key: resetKey }, now)));
    for (const m of digest.fellBehind) {
      const data = { character_name: m.name, realm: m.realm, item_level: m.itemLevel, target_ilvl: digest.targetIlvl, gap: m.gap, week: digest.week };
      deliveries.push(...(await recordEvent(tx, { type: 'character.fell_behind', guildId: guild.id, occurredAt: resetAt, data, key: `${m.characterId}@${resetKey}` }, now)));
    }
    const webhook = await findDiscordWebhook(tx, guild.id);
    if (webhook) {
      const result = await postDigest(ctx, outboundPolicyOf(ctx), webhook.urlSealed, digest, guild.name);
      ctx.metrics.outboundDeliveries.inc({ kind: 'discord', outcome: outcomeOf(result) });
      if (!isSuccess(result)) {
        const error = describeOutcome(result);
        await recordDigestOutcome(tx, guild.id, resetAt, { error });
        return { status: 'failed', error };
      }
    }
    await recordDigestOutcome(tx, guild.id, resetAt, { sentAt: now });
    return { status: 'sent' };
  });
  await queueDeliveries(ctx.queues, deliveries, ctx.logger);
  if (outcome.status === 'failed') throw new Error(`the reset digest could not be posted to Discord: ${outcome.error}`);
  return outcome;
}
