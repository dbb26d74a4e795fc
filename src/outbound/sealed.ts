import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Secrets progress-api must use again later but never show again (an event endpoint's signing secret, a Discord
 * webhook URL, whose path is its credential) are stored sealed: AES-256-GCM under a key derived from SECRET_KEY,
 * so a copy of the database alone does not let anyone post as the guild or forge its events.
 */
const VERSION = 'v1';

function keyOf(secretKey: string): Buffer {
  return createHash('sha256').update('progress-api outbound secrets\0').update(secretKey).digest();
}

export function seal(secretKey: string, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyOf(secretKey), iv);
  const sealed = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [VERSION, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), sealed.toString('base64url')].join('.');
}

/** Throws when the value was sealed under another SECRET_KEY or altered. */
export function unseal(secretKey: string, value: string): string {
  const [version, iv, tag, sealed] = value.split('.');
  if (version !== VERSION || !iv || !tag || sealed === undefined) throw new Error('not a sealed value');
  const decipher = createDecipheriv('aes-256-gcm', keyOf(secretKey), Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(sealed, 'base64url')), decipher.final()]).toString('utf8');
}
