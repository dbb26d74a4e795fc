import type { Middleware } from 'koa';
import { isDatabaseUnavailable } from '../../db/unavailable.js';
import { AppError, serviceUnavailable } from '../../errors.js';

interface HttpishError extends Error {
  status?: number;
  statusCode?: number;
  type?: string;
  expose?: boolean;
  headers?: Record<string, string>;
}

/** Errors thrown by Koa, the body parser or the router, translated into our codes. */
function fromHttpError(err: HttpishError): AppError | undefined {
  const status = err.status ?? err.statusCode;
  if (!status || status < 400 || status >= 600) return undefined;
  if (err.type === 'entity.too.large' || status === 413) return new AppError(413, 'payload_too_large', 'Request body too large');
  if (err.type === 'entity.parse.failed' || (status === 400 && /json/i.test(err.message)))
    return new AppError(400, 'malformed_json', 'Malformed JSON body');
  if (status === 415) return new AppError(415, 'unsupported_media_type', 'Content-Type must be application/json');
  if (status === 405) return new AppError(405, 'method_not_allowed', 'Method not allowed', undefined, err.headers ?? {});
  if (status === 501) return new AppError(501, 'not_implemented', 'Not implemented');
  if (status === 404) return new AppError(404, 'not_found', 'Not found');
  if (status < 500 && err.expose !== false) return new AppError(status, 'bad_request', err.message || 'Bad request');
  return undefined;
}

/**
 * The one place failures become HTTP: every error leaves as `{error, code}` (plus `details`),
 * and anything unexpected is logged and answered as a plain 500 without internals.
 */
export function errorHandler(): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.body === undefined || ctx.body === null) {
        if (ctx.status === 404) throw new AppError(404, 'not_found', 'Not found');
        // The router answers a wrong method itself (with its Allow header); give it our body.
        if (ctx.status === 405) ctx.body = { error: 'Method not allowed', code: 'method_not_allowed' };
        if (ctx.status === 501) ctx.body = { error: 'Not implemented', code: 'not_implemented' };
      }
    } catch (raw) {
      const err = raw as HttpishError;
      // A route that reads without fromDatabase still answers a database outage as one, never as a 500.
      const appError = err instanceof AppError
        ? err
        : isDatabaseUnavailable(err)
          ? serviceUnavailable('database_unavailable', 'The database is unavailable, try again shortly', 5)
          : fromHttpError(err);
      if (appError) {
        ctx.status = appError.status;
        ctx.set(appError.headers);
        ctx.body = appError.details === undefined
          ? { error: appError.message, code: appError.code }
          : { error: appError.message, code: appError.code, details: appError.details };
        if (appError.status >= 500) ctx.state.log?.warn({ code: appError.code }, appError.message);
        return;
      }
      ctx.state.log?.error({ err }, 'unhandled error');
      ctx.status = 500;
      ctx.body = { error: 'Internal server error', code: 'internal_error' };
    }
  };
}
