import { signWebhook } from '../api/services/webhook-signature.js';

/**
 * The headers of a signed delivery, exactly as guild-api signs its webhooks to us: `X-Webhook-Timestamp` (Unix
 * seconds) and `X-Webhook-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">` with the endpoint's
 * secret, so a receiver checks ours with the code it would use for theirs. The timestamp is the machine's time
 * of this attempt: a receiver compares it with its own clock to refuse replays.
 */
export function signedHeaders(secret: string, eventId: string, body: string, nowMs = Date.now()): Record<string, string> {
  const timestamp = String(Math.floor(nowMs / 1000));
  return {
    'content-type': 'application/json',
    'x-webhook-id': eventId,
    'x-webhook-timestamp': timestamp,
    'x-webhook-signature': signWebhook(secret, timestamp, body),
  };
}
