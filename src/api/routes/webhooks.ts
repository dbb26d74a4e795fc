import Router from '@koa/router';
import type { RedisClient } from '../../redis.js';
import { dropGuildApiSnapshot, dropGuildResponses, dropPermissions } from '../../cache/invalidate.js';
import { recordWebhookEvent } from '../../db/tables/processed-webhook-events.js';
import { AppError, serviceUnavailable, unprocessable } from '../../errors.js';
import { enqueueInboxEvent } from '../../queue/inbox-event.js';
import { WEBHOOK_EVENT_TYPES, webhookEnvelopeSchema, webhookEventSchema, type WebhookEvent } from '../../queue/membership-event.js';
import type { Keys } from '../../redis.js';
import type { ApiDeps } from '../deps.js';
import { readRawBody } from '../middleware/body.js';
import { describeProblems, plainIssues, problemsOf } from '../schemas/issues.js';
import { checkWebhookSignature } from '../services/webhook-signature.js';
import { fromDatabase } from '../services/read-model.js';

/** guild-api's events are small; anything near this is not one of them. */
const WEBHOOK_BODY_LIMIT = 64 * 1024;

const accepted = () => ({ accepted: true });

function parseEvent(raw: Buffer): WebhookEvent {
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch {
    throw unprocessable('Malformed webhook body: not JSON', [{ field: 'body', in: 'body', message: 'must be a JSON object' }]);
  }
  // PostgreSQL stores no NUL in text or jsonb: refused here, by field, rather than failing the insert.
  const nul = pathWithNul(json);
  if (nul !== undefined) {
    const field = nul || 'body';
    throw unprocessable(`Malformed webhook body: ${field} must not contain NUL characters`, [{ field, in: 'body', message: 'must not contain NUL characters' }]);
  }
  const envelope = webhookEnvelopeSchema.safeParse(json, { error: plainIssues });
  if (!envelope.success) {
    const problems = problemsOf(envelope.error, 'body');
    throw unprocessable(`Malformed webhook body: ${describeProblems(problems)}`, problems);
  }
  const event = webhookEventSchema.safeParse({ type: envelope.data.type, data: envelope.data.data }, { error: plainIssues });
  if (!event.success) {
    const isKnownType = event.error.issues.every((i) => i.path[0] !== 'type');
    if (!isKnownType) {
      throw unprocessable(`Unknown webhook event type: ${envelope.data.type}`, [
        { field: 'type', in: 'body', message: `must be one of ${WEBHOOK_EVENT_TYPES.join(', ')}` },
      ]);
    }
    // Each field of `data` named with what is wrong with it; the values sent are never repeated.
    const problems = problemsOf(event.error, 'body');
    throw unprocessable(`Malformed webhook data: ${describeProblems(problems)}`, problems);
  }
  return { ...event.data, id: envelope.data.id, guild_id: envelope.data.guild_id, occurred_at: envelope.data.occurred_at };
}

/** The dotted path of the first string (value or key) holding a NUL character, '' for the root; undefined if none. */
function pathWithNul(value: unknown, path = ''): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, item] of Object.entries(value)) {
    const at = path ? `${path}.${key}` : key;
    if (key.includes('\u0000')) return at;
    const found = pathWithNul(item, at);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * What the api itself forgets at once: permissions of the user concerned and guild-api's snapshot of the guild,
 * so the very next request asks guild-api again. The projection is the worker's to update.
 */
async function forgetCachedViews(redis: RedisClient, keys: Keys, event: WebhookEvent): Promise<void> {
  const guildId = event.guild_id;
  switch (event.type) {
    case 'member.joined':
    case 'member.left':
    case 'member.rank_changed':
      await dropPermissions(redis, keys, event.data.bnet_id, guildId);
      break;
    case 'user.characters_changed':
      await dropPermissions(redis, keys, event.data.bnet_id);
      break;
    case 'guild.roster_changed':
      break;
  }
  // Every event changes the roster guild-api would now report, which the snapshot copies.
  await dropGuildApiSnapshot(redis, keys, guildId);
  await dropGuildResponses(redis, keys, [guildId]);
}

/**
 * Signed membership events from guild-api. Refused unless the HMAC over the exact bytes matches and is recent;
 * a redelivered id is accepted and ignored. An accepted event is stored in the inbox (PostgreSQL) before the
 * 202; the queue then only carries "apply event N", and the worker's drain re-queues anything the queue lost.
 * Not rate limited: guild-api is trusted once the signature checks.
 */
export function webhookRoutes(deps: ApiDeps): Router {
  const router = new Router();
  const count = (outcome: string) => deps.metrics.webhooks.inc({ outcome });

  router.post('/webhooks/guild-api', async (ctx) => {
    const secret = deps.config.webhookSecret;
    if (!secret) {
      count('disabled');
      throw serviceUnavailable('webhooks_disabled', 'Webhooks are disabled: no webhook secret is configured');
    }
    const raw = await readRawBody(ctx, WEBHOOK_BODY_LIMIT);
    ctx.request.rawBody = raw.toString('utf8');
    const check = checkWebhookSignature(secret, ctx.get('x-webhook-timestamp'), ctx.get('x-webhook-signature'), raw);
    if (check !== 'valid') {
      count(check === 'stale' ? 'stale' : 'bad_signature');
      throw check === 'stale'
        ? new AppError(401, 'stale_timestamp', 'Webhook timestamp is outside the allowed window')
        : new AppError(401, 'invalid_signature', 'Invalid webhook signature');
    }
    let event: WebhookEvent;
    try {
      event = parseEvent(raw);
    } catch (err) {
      count('invalid');
      throw err;
    }

    const stored = await fromDatabase(deps.logger, () =>
      recordWebhookEvent(deps.orm, { id: event.id, type: event.type, guildId: event.guild_id, occurredAt: event.occurred_at, payload: event }),
    );
    if (!stored) {
      count('replayed');
      ctx.status = 202;
      ctx.body = accepted();
      return;
    }
    // The event is safe in the inbox from here on: a Redis that is down delays it (until the worker's next drain)
    // and leaves cached views to expire on their own, but loses nothing.
    try {
      await forgetCachedViews(deps.redis, deps.keys, event);
      await enqueueInboxEvent(deps.queues, stored);
    } catch (err) {
      count('queued_later');
      ctx.state.log?.warn({ eventId: event.id, seq: stored.seq, reason: (err as Error).message }, 'webhook stored, queueing deferred to the drain');
      ctx.status = 202;
      ctx.body = accepted();
      return;
    }
    count('accepted');
    ctx.state.log?.info({ eventId: event.id, seq: stored.seq, type: event.type, guildId: event.guild_id }, 'webhook accepted');
    ctx.status = 202;
    ctx.body = accepted();
  });

  return router;
}
