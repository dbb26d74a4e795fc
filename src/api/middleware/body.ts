import bodyParser from 'koa-bodyparser';
import type { Context, Middleware } from 'koa';
import { AppError, payloadTooLarge, unsupportedMediaType } from '../../errors.js';

/** Request bodies above this size are refused with 413 before they are parsed. */
export const BODY_LIMIT = '16kb';

/** Encodings a request body may arrive in; anything else is 415 before a byte is read. */
const DECODABLE_ENCODINGS = new Set(['identity', 'gzip', 'deflate', 'br']);

const unsupportedEncoding = () => new AppError(415, 'unsupported_content_encoding', 'Content-Encoding not supported');
const undecodable = () => new AppError(400, 'malformed_body', 'The request body could not be decoded');

/** The Content-Encoding header, lower-cased, '' when absent. */
const encodingOf = (ctx: Context): string => (ctx.get('content-encoding') || '').trim().toLowerCase();

/**
 * Parses a JSON body, for the routes that take one, after their authentication. A body in an encoding we do not
 * decode is 415, one that does not decode (a truncated gzip stream, say) 400: neither can become a 500.
 */
export function jsonBody(): Middleware {
  const parse = bodyParser({ enableTypes: ['json'], jsonLimit: BODY_LIMIT, strict: true });
  return async (ctx, next) => {
    const encoding = encodingOf(ctx);
    if (encoding && !DECODABLE_ENCODINGS.has(encoding)) throw unsupportedEncoding();
    let parsed = false;
    try {
      await parse(ctx, async () => {
        parsed = true;
      });
    } catch (err) {
      throw bodyError(err);
    }
    if (parsed) await next();
  };
}

/** What went wrong reading a body, as the client's fault: the parser's own 4xx, or an undecodable stream. */
function bodyError(err: unknown): unknown {
  const status = (err as { status?: number }).status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    if (status === 415 && (err as { type?: string }).type === 'encoding.unsupported') return unsupportedEncoding();
    return err;
  }
  return undecodable();
}

/** A write route refuses anything but JSON, so a form or text body cannot slip through as empty input. */
export function requireJson(): Middleware {
  return async (ctx, next) => {
    if (!ctx.is('application/json')) throw unsupportedMediaType();
    await next();
  };
}

/**
 * Reads the request body as the exact bytes sent, refusing more than `limit` with 413 before it is all buffered.
 * A signature covers those bytes, so an encoded body is refused (415) rather than decoded.
 */
export async function readRawBody(ctx: Context, limit: number): Promise<Buffer> {
  const encoding = encodingOf(ctx);
  if (encoding && encoding !== 'identity') throw unsupportedEncoding();
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
