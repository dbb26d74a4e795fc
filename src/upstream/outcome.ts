/**
 * Every upstream call ends in one of these outcomes. Callers switch on `kind`;
 * none of them ever sees raw JSON or an HTTP library error.
 */
export type Outcome<T> =
  | { kind: 'ok'; data: T; lastModified: string | null }
  | { kind: 'not_modified' }
  | { kind: 'not_found' }
  | { kind: 'rate_limited'; retryAfterMs: number }
  | { kind: 'unavailable'; reason: string }
  | { kind: 'bad_data'; reason: string };

export type FailedOutcome = Exclude<Outcome<never>, { kind: 'ok' } | { kind: 'not_modified' }>;

export const ok = <T>(data: T, lastModified: string | null = null): Outcome<T> => ({ kind: 'ok', data, lastModified });
export const notModified = (): Outcome<never> => ({ kind: 'not_modified' });
export const notFound = (): FailedOutcome => ({ kind: 'not_found' });
export const rateLimited = (retryAfterMs: number): FailedOutcome => ({ kind: 'rate_limited', retryAfterMs });
export const unavailable = (reason: string): FailedOutcome => ({ kind: 'unavailable', reason });
export const badData = (reason: string): FailedOutcome => ({ kind: 'bad_data', reason });
