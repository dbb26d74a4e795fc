import type { Context } from 'koa';
import type { StoredBody } from '../cache/response-cache.js';

/**
 * Answers with a JSON body as already serialised, with its entity tag: 304 and no body when the client's
 * `If-None-Match` names that tag.
 */
export function sendStored(ctx: Context, body: StoredBody): void {
  ctx.status = 200;
  ctx.type = 'application/json; charset=utf-8';
  ctx.set('ETag', body.etag);
  if (noneMatchFails(ctx.get('if-none-match'), body.etag)) {
    ctx.status = 304;
    return;
  }
  ctx.body = body.bytes;
}

/**
 * RFC 9110 §13.1.2: `If-None-Match` is false (the client's copy is current) when it is `*` or lists the tag,
 * compared weakly (a `W/` prefix on either side is ignored). Evaluated whatever the request's Cache-Control
 * says: `no-cache` is addressed to caches on the way, and fetch() adds it to every conditional request.
 */
export function noneMatchFails(header: string, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  const opaque = etag.replace(/^W\//, '');
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === opaque);
}
