import type { MikroORM } from '@mikro-orm/postgresql';
import { query } from './sql.js';

/** True when a trivial query answers within the time limit. */
export async function isDatabaseUp(orm: MikroORM, timeoutMs = 1500): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  const probe = query(orm, 'select 1')
    .then(() => true)
    .catch(() => false);
  try {
    return await Promise.race([probe, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
