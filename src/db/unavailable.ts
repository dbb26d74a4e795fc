/**
 * Failures that mean "the database cannot be reached or did not answer in time", as opposed to a fault of the
 * query: pool acquire timeouts, the client-side query timeout, refused or dropped connections, and the server
 * cancelling a statement at statement_timeout or shutting down. These become 503 database_unavailable.
 */
const UNAVAILABLE_MESSAGES = [
  /Timeout acquiring a connection/i,
  /Query read timeout/i,
  /timeout exceeded when trying to connect/i,
  /Connection terminated/i,
  /connect ECONNREFUSED/i,
  /ECONNRESET/,
  /ETIMEDOUT/,
  /Client has encountered a connection error/i,
  /canceling statement due to statement timeout/i,
  /terminating connection/i,
  /the database system is (starting up|shutting down)/i,
];
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P03', '57014', '08006', '08001', '08003']);

export function isDatabaseUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
  return UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(err.message));
}
