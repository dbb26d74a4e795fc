import { expect } from 'chai';
import { checkWebhookSignature, signWebhook, WEBHOOK_WINDOW_SECONDS } from '../../../src/api/services/webhook-signature.js';

describe('webhook signatures', () => {
  const secret = 'webhook-secret';
  const body = Buffer.from('{"id":"e1","type":"guild.roster_changed","guild_id":1,"occurred_at":"2026-11-29T00:00:00Z","data":{}}');
  const now = 1_800_000_000_000;
  const ts = String(now / 1000);

  it('accepts the HMAC-SHA256 of "<timestamp>.<raw body>" as sha256=<hex>, in either hex case', () => {
    const signature = signWebhook(secret, ts, body);
    expect(signature).to.match(/^sha256=[0-9a-f]{64}$/);
    expect(checkWebhookSignature(secret, ts, signature, body, now)).to.equal('valid');
    expect(checkWebhookSignature(secret, ts, `sha256=${signature.slice(7).toUpperCase()}`, body, now)).to.equal('valid');
  });

  it('refuses another secret, another body, another timestamp, a truncated or missing signature', () => {
    const signature = signWebhook(secret, ts, body);
    expect(checkWebhookSignature('other', ts, signature, body, now)).to.equal('invalid');
    expect(checkWebhookSignature(secret, ts, signature, Buffer.concat([body, Buffer.from(' ')]), now)).to.equal('invalid');
    expect(checkWebhookSignature(secret, String(Number(ts) + 1), signature, body, now)).to.equal('invalid');
    expect(checkWebhookSignature(secret, ts, signature.slice(0, -2), body, now)).to.equal('invalid');
    expect(checkWebhookSignature(secret, ts, signature.slice(7), body, now)).to.equal('invalid');
    expect(checkWebhookSignature(secret, ts, undefined, body, now)).to.equal('invalid');
    expect(checkWebhookSignature(secret, undefined, signature, body, now)).to.equal('invalid');
    expect(checkWebhookSignature(secret, '1e9', signWebhook(secret, '1e9', body), body, now)).to.equal('invalid');
  });

  it('calls a correctly signed request outside the five-minute window stale, on either side', () => {
    for (const offset of [WEBHOOK_WINDOW_SECONDS + 1, -(WEBHOOK_WINDOW_SECONDS + 1)]) {
      const at = String(now / 1000 + offset);
      expect(checkWebhookSignature(secret, at, signWebhook(secret, at, body), body, now)).to.equal('stale');
    }
    const edge = String(now / 1000 - WEBHOOK_WINDOW_SECONDS);
    expect(checkWebhookSignature(secret, edge, signWebhook(secret, edge, body), body, now)).to.equal('valid');
  });
});
