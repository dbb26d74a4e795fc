import { createHmac, timingSafeEqual } from 'node:crypto';

/** guild-api's clock and ours may differ a little; a signed request older (or newer) than this is a replay. */
export const WEBHOOK_WINDOW_SECONDS = 5 * 60;

export type SignatureCheck = 'valid' | 'invalid' | 'stale';

/** The header value guild-api sends: `sha256=` and the hex HMAC of `"<timestamp>.<raw body>"`. */
export function signWebhook(secret: string, timestamp: string, rawBody: Buffer | string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex')}`;
}

/**
 * Checks a webhook's signature over the exact bytes received, compared in constant time, and that its timestamp
 * is within the window. The signature is checked first, so an unsigned request learns nothing about our clock.
 */
export function checkWebhookSignature(
  secret: string,
  timestamp: string | undefined,
  signature: string | undefined,
  rawBody: Buffer,
  nowMs = Date.now(),
): SignatureCheck {
  if (!timestamp || !/^\d{1,12}$/.test(timestamp)) return 'invalid';
  const given = /^sha256=([0-9a-fA-F]{64})$/.exec(signature?.trim() ?? '');
  if (!given) return 'invalid';
  const expected = createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest();
  const actual = Buffer.from(given[1] as string, 'hex');
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) return 'invalid';
  return Math.abs(nowMs / 1000 - Number(timestamp)) > WEBHOOK_WINDOW_SECONDS ? 'stale' : 'valid';
}
