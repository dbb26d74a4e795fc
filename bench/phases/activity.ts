import type { Queue } from 'bullmq';
import { characterRefreshJob, PRIORITY } from '../../src/queue/character-refresh.js';
import { closeQueues, createQueues } from '../../src/queue/queues.js';
import { createRedis } from '../../src/redis.js';
import type { SimGuild } from '../../src/sim/index.js';
import { REDIS_URL } from '../../test/helpers/test-env.js';
import type { Stack } from '../stack.js';

/** Battle.net requests by endpoint: the character profile, its equipment, and the two activity endpoints. */
export interface RequestsByKind {
  profile: number;
  equipment: number;
  activity: number;
}

export interface ActivityFigures {
  /** Requests of the first resync, once its activity jobs (queued behind the refreshes) have finished too. */
  first_resync: RequestsByKind & { members: number };
  /** `refreshed` members refreshed again, of whom `logged_in` logged in since their last activity fetch. */
  refresh_again: RequestsByKind & { refreshed: number; logged_in: number };
}

const kindOf = (path: string): keyof RequestsByKind | undefined => {
  if (path.endsWith('/mythic-keystone-profile') || path.endsWith('/encounters/raids')) return 'activity';
  if (path.endsWith('/equipment')) return 'equipment';
  if (/\/profile\/wow\/character\/[^/]+\/[^/]+$/.test(path)) return 'profile';
  return undefined;
};

export function requestsByKind(before: Record<string, number>, after: Record<string, number>): RequestsByKind {
  const out: RequestsByKind = { profile: 0, equipment: 0, activity: 0 };
  for (const [path, count] of Object.entries(after)) {
    const kind = kindOf(path);
    if (kind) out[kind] += count - (before[path] ?? 0);
  }
  return out;
}

/**
 * What activity costs Battle.net: the requests a first resync made (activity included, which runs after the
 * gear at a lower priority), then a second refresh of some members when only a few of them logged in since.
 * Activity is fetched only for those who did: two requests each, none for the others.
 */
export async function measureActivity(stack: Stack, guild: SimGuild, firstResync: Record<string, number>, sample: number): Promise<ActivityFigures> {
  const connection = createRedis(REDIS_URL, 'worker');
  const queues = createQueues(connection, stack.redisPrefix);
  try {
    await idle(queues.characterRefresh);
    const first = requestsByKind(firstResync, stack.sim.counters().blizzard.byPath);

    const members = guild.members.slice(0, sample);
    const loggedIn = members.filter((_, i) => i % 5 === 0);
    for (const m of loggedIn) stack.sim.logIn(guild.region, m.realmSlug, m.characterName);
    const before = { ...stack.sim.counters().blizzard.byPath };
    await characterRefreshJob.enqueueMany(
      queues,
      members.map((m) => ({ region: guild.region, realm: m.realmSlug, name: m.characterName, reason: 'manual' as const })),
      { priority: PRIORITY.background },
    );
    await idle(queues.characterRefresh);
    const again = requestsByKind(before, stack.sim.counters().blizzard.byPath);
    return {
      first_resync: { members: guild.members.length, ...first },
      refresh_again: { refreshed: members.length, logged_in: loggedIn.length, ...again },
    };
  } finally {
    await closeQueues(queues);
    connection.disconnect();
  }
}

/** Every refresh and activity job of the stack finished. */
export async function refreshesSettled(stack: Stack): Promise<void> {
  const connection = createRedis(REDIS_URL, 'worker');
  const queues = createQueues(connection, stack.redisPrefix);
  try {
    await idle(queues.characterRefresh);
  } finally {
    await closeQueues(queues);
    connection.disconnect();
  }
}

/** Refreshes and activity jobs all finished: nothing waiting, prioritized, delayed or running, twice in a row. */
async function idle(queue: Queue, timeoutMs = 120_000): Promise<void> {
  const pending = async () => Object.values(await queue.getJobCounts('waiting', 'prioritized', 'delayed', 'active')).reduce((a, b) => a + b, 0);
  const deadline = Date.now() + timeoutMs;
  let quiet = 0;
  while (quiet < 2) {
    if (Date.now() > deadline) throw new Error(`refresh queue still busy after ${timeoutMs} ms`);
    quiet = (await pending()) === 0 ? quiet + 1 : 0;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
