import { AppError, serviceUnavailable } from '../../errors.js';
import type { Logger } from '../../logger.js';

/**
 * Runs a projection read; a failure of the database (down, pool exhausted, timeout) becomes 503
 * `database_unavailable` instead of a 500, so clients and load balancers retry rather than give up.
 */
export async function fromDatabase<T>(logger: Logger, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (err) {
    if (err instanceof AppError) throw err;
    logger.error({ err: (err as Error).message }, 'database read failed');
    throw serviceUnavailable('database_unavailable', 'The database is unavailable, try again shortly', 5);
  }
}
