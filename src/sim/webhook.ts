import { createHmac, randomUUID } from 'node:crypto';

export interface WebhookEvent {
  type: string;
  guild_id: number;
  data: Record<string, unknown>;
  id?: string;
  occurred_at?: string;
}

export interface WebhookOptions {
  /** Unix seconds to sign with; defaults to now (tests pass an old one to check staleness). */
  timestamp?: number;
}

/**
 * Sends an event the way guild-api does (docs/api.md): the raw body signed with HMAC-SHA256 over "<timestamp>.<body>",
 * in `X-Webhook-Timestamp` and `X-Webhook-Signature: sha256=<hex>`.
 */
export async function sendWebhook(
  targetUrl: string,
  secret: string,
  event: WebhookEvent,
  options: WebhookOptions = {},
): Promise<{ status: number; body: unknown }> {
  const body = JSON.stringify({
    id: event.id ?? randomUUID(),
    type: event.type,
    guild_id: event.guild_id,
    occurred_at: event.occurred_at ?? new Date().toISOString(),
    data: event.data,
  });
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  const signature = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  const response = await fetch(targetUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-webhook-timestamp': timestamp, 'x-webhook-signature': `sha256=${signature}` },
    body,
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not every answer is JSON (a proxy's error page, say); the text is returned as it came.
  }
  return { status: response.status, body: parsed };
}
