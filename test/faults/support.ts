import type { Queue } from 'bullmq';
import type { WorldGuildSpec } from '../../src/sim/index.js';
import { uniqueId } from '../helpers/test-env.js';

export { bearer, call, sample, type Reply } from '../integration/api/helpers.js';

export { eventually, sleep } from '../helpers/wait.js';


/** A guild only this test file touches: its own id and realm, so shared-database tests never collide. */
export function ownGuild(members: number, name = 'Fault Line'): WorldGuildSpec {
  const id = uniqueId();
  return { id, name: `${name} ${id}`, realm: `fault-realm-${id}`, region: 'us', members };
}

/** Jobs of a queue in every state, by state. */
export async function jobStates(queue: Queue): Promise<Record<string, number>> {
  return queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed', 'waiting-children');
}

export async function metricsOf(baseUrl: string): Promise<string> {
  return (await fetch(`${baseUrl}/metrics`)).text();
}
