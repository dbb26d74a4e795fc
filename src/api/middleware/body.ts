import bodyParser from 'koa-bodyparser';
import type { Context, Middleware } from 'koa';
import { payloadTooLarge, unsupportedMediaType } from '../../errors.js';

/** Request bodies above this size are refused with 413 before they are parsed. */
export const BODY_LIMIT = '16kb';

/** JSON only; the raw text stays on ctx.request.rawBody for signature checks. */
export function jsonBody(): Middleware {
  return bodyParser({ enableTypes: ['json'], jsonLimit: BODY_LIMIT, strict: true });
}

/** A write route refuses anything but JSON, so a form or text body cannot slip through as empty input. */
export function requireJson(): Middleware {
  return async (ctx, next) => {
    if (!ctx.is('application/json')) throw unsupportedMediaType();
    await next();
  };
}

/**
 * Paths whose body must reach the handler unparsed (signed webhooks: the signature covers the exact bytes, and a
 * body that fails to parse must be answered only after the signature is checked).
 */
export function rawBodyFor(prefixes: string[]): Middleware {
  return async (ctx, next) => {
    if (prefixes.some((prefix) => ctx.path.startsWith(prefix))) ctx.disableBodyParser = true;
    await next();
  };
}

/** Reads the request body as bytes, refusing more than `limit` with 413 before it is all buffered. */
export async function readRawBody(ctx: Context, limit: number): Promise<Buffer> {
  const declared = Number(ctx.get('content-length') || 0);
  if (declared > limit) throw payloadTooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw payloadTooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
