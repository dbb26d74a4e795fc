import { createHmac, generateKeyPairSync } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { TEST_JWT_SECRET } from '../helpers/test-env.js';

/**
 * Tokens as guild-api issues them, and the forgeries an attacker would try against a verifier that
 * trusts the header's `alg`, skips claims or accepts any signature.
 */

const b64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

/** Signs exactly the header and payload given, with HMAC-SHA256 over `header.payload`. */
export function hmacToken(header: Record<string, unknown>, payload: Record<string, unknown>, key: string | Buffer = TEST_JWT_SECRET): string {
  const signingInput = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  return `${signingInput}.${createHmac('sha256', key).update(signingInput).digest('base64url')}`;
}

/** A genuine access token for a user, as guild-api signs it. */
export function accessToken(bnetId: number, extra: Record<string, unknown> = {}): string {
  return jwt.sign({ bnet_id: bnetId, type: 'access', ...extra }, TEST_JWT_SECRET, { algorithm: 'HS256', expiresIn: 900 });
}

export function refreshToken(bnetId: number): string {
  return jwt.sign({ bnet_id: bnetId, type: 'refresh' }, TEST_JWT_SECRET, { algorithm: 'HS256', expiresIn: 604800 });
}

export interface Forgery {
  name: string;
  token: string;
}

/** Every token that must be refused with 401, each claiming to be `bnetId`. */
export function forgeries(bnetId: number): Forgery[] {
  const claims = { bnet_id: bnetId, type: 'access', iat: now(), exp: now() + 900 };
  const unsigned = `${b64url(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${b64url(JSON.stringify(claims))}`;
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const rsaSigned = jwt.sign(claims, privateKey, { algorithm: 'RS256' });
  // base64url grows the payload by a third: this padding makes the whole token about 100 KB.
  const hugeClaims = { ...claims, padding: 'x'.repeat(75 * 1024) };
  return [
    { name: 'alg none, empty signature', token: `${unsigned}.` },
    { name: 'alg none, no signature part', token: unsigned },
    { name: 'alg "None" (case variant)', token: `${b64url(JSON.stringify({ alg: 'None', typ: 'JWT' }))}.${b64url(JSON.stringify(claims))}.` },
    { name: 'HS256 signed with another key', token: hmacToken({ alg: 'HS256', typ: 'JWT' }, claims, 'not-the-server-key-0123456789') },
    { name: 'HS512 signed with the real key', token: jwt.sign(claims, TEST_JWT_SECRET, { algorithm: 'HS512' }) },
    { name: 'HS384 signed with the real key', token: jwt.sign(claims, TEST_JWT_SECRET, { algorithm: 'HS384' }) },
    // Key confusion: the header claims RS256 and the signature is an HMAC made with the shared key,
    // which a verifier that feeds the HMAC key in as an RSA "public key" might accept.
    { name: 'RS256 header, HMAC of the real key as signature', token: hmacToken({ alg: 'RS256', typ: 'JWT' }, claims) },
    { name: 'RS256 signed with an attacker RSA key', token: rsaSigned },
    { name: 'expired', token: jwt.sign({ ...claims, iat: now() - 3600, exp: now() - 1800 }, TEST_JWT_SECRET, { algorithm: 'HS256', noTimestamp: true }) },
    { name: 'not yet valid (nbf in the future)', token: jwt.sign({ ...claims, nbf: now() + 3600 }, TEST_JWT_SECRET, { algorithm: 'HS256' }) },
    { name: 'no exp at all', token: hmacToken({ alg: 'HS256', typ: 'JWT' }, { bnet_id: bnetId, type: 'access', iat: now() }) },
    { name: 'missing bnet_id', token: jwt.sign({ type: 'access' }, TEST_JWT_SECRET, { algorithm: 'HS256', expiresIn: 900 }) },
    { name: 'sub instead of bnet_id', token: jwt.sign({ sub: String(bnetId), type: 'access' }, TEST_JWT_SECRET, { algorithm: 'HS256', expiresIn: 900 }) },
    { name: 'bnet_id as a string', token: jwt.sign({ bnet_id: String(bnetId), type: 'access' }, TEST_JWT_SECRET, { algorithm: 'HS256', expiresIn: 900 }) },
    { name: 'bnet_id not an integer', token: jwt.sign({ bnet_id: bnetId + 0.5, type: 'access' }, TEST_JWT_SECRET, { algorithm: 'HS256', expiresIn: 900 }) },
    { name: 'missing type', token: jwt.sign({ bnet_id: bnetId }, TEST_JWT_SECRET, { algorithm: 'HS256', expiresIn: 900 }) },
    { name: 'refresh token', token: refreshToken(bnetId) },
    { name: 'signature of another payload', token: spliceSignature(accessToken(bnetId + 1), claims) },
    { name: 'payload not JSON', token: hmacToken({ alg: 'HS256', typ: 'JWT' }, {}).replace(/\.[^.]*\./, `.${b64url('not json')}.`) },
    { name: 'garbage', token: 'not.a.jwt' },
    { name: '100 KB token', token: jwt.sign(hugeClaims, TEST_JWT_SECRET, { algorithm: 'HS256' }) },
  ];
}

/** Keeps a real token's header and signature but swaps in another payload. */
function spliceSignature(token: string, payload: Record<string, unknown>): string {
  const [header, , signature] = token.split('.');
  return `${header}.${b64url(JSON.stringify(payload))}.${signature}`;
}
