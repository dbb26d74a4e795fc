import { createHmac } from 'node:crypto';
import { TEST_WEBHOOK_SECRET } from '../helpers/test-env.js';

/** guild-api's signature: HMAC-SHA256 over "<timestamp>.<raw body>", hex, prefixed "sha256=". */
export function signature(timestamp: string, rawBody: string, secret = TEST_WEBHOOK_SECRET): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex')}`;
}

export const unixNow = () => Math.floor(Date.now() / 1000);

export interface WebhookRequest {
  rawBody: string;
  timestamp: string;
  signature: string;
}

/** A correctly signed delivery of an event, as guild-api sends it. */
export function signedDelivery(event: unknown, options: { timestamp?: number; secret?: string } = {}): WebhookRequest {
  const rawBody = JSON.stringify(event);
  const timestamp = String(options.timestamp ?? unixNow());
  return { rawBody, timestamp, signature: signature(timestamp, rawBody, options.secret) };
}

export async function deliver(apiUrl: string, request: WebhookRequest, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${apiUrl}/webhooks/guild-api`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-webhook-timestamp': request.timestamp,
      'x-webhook-signature': request.signature,
      ...headers,
    },
    body: request.rawBody,
  });
}
