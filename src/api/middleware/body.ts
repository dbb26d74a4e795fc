import bodyParser from 'koa-bodyparser';
import type { Middleware } from 'koa';
import { unsupportedMediaType } from '../../errors.js';

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
