/**
 * Typed failures. Anything that should reach a client as a 4xx/5xx is an AppError; the api's error
 * middleware is the one place that turns these into HTTP responses with the `{error, code}` body.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const badRequest = (message: string, details?: unknown) => new AppError(400, 'bad_request', message, details);
export const invalidInput = (message: string, details?: unknown) => new AppError(400, 'invalid_parameter', message, details);
/** Why a request carries no usable access token: none was sent, it has expired, or it is not a valid one. */
export type AuthProblem = 'missing' | 'expired' | 'invalid';
const AUTH_CODES: Record<AuthProblem, string> = { missing: 'not_authenticated', expired: 'token_expired', invalid: 'token_invalid' };
/**
 * Every 401 keeps the message the frontend shows ("Not authenticated"); the code tells a client what to do:
 * `token_expired` → refresh the token and retry, `token_invalid` or `not_authenticated` → log in.
 */
export const notAuthenticated = (problem: AuthProblem = 'missing') => new AppError(401, AUTH_CODES[problem], 'Not authenticated');
export const forbidden = (message = 'Access denied', code = 'forbidden') => new AppError(403, code, message);
export const notFound = (message = 'Not found', code = 'not_found') => new AppError(404, code, message);
export const payloadTooLarge = (message = 'Request body too large') => new AppError(413, 'payload_too_large', message);
export const unsupportedMediaType = (message = 'Content-Type must be application/json') =>
  new AppError(415, 'unsupported_media_type', message);
export const unprocessable = (message: string, details?: unknown) => new AppError(422, 'validation_failed', message, details);
export const tooManyRequests = (retryAfterSeconds: number) =>
  new AppError(429, 'rate_limited', 'Too many requests, slow down', undefined, { 'Retry-After': String(retryAfterSeconds) });
export const serviceUnavailable = (code: string, message: string, retryAfterSeconds?: number) =>
  new AppError(503, code, message, undefined, retryAfterSeconds ? { 'Retry-After': String(retryAfterSeconds) } : {});
