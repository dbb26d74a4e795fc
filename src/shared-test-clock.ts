import type { RedisClient } from './redis.js';
import { ManualClock, systemClock, type Clock, type Instant } from './clock.js';
import type { Config } from './config.js';
import { createRedis, duplicateRedis, Keys, type RedisTarget } from './redis.js';

/**
 * A business clock several processes share, set from outside them: a test running the api and the worker as
 * separate processes (FOLLOW_TEST_CLOCK=true, refused in production) moves all of them with `setSharedTestClock`.
 *
 * The instant lives in Redis under `<prefix>:test-clock` and every change is published on the channel of the same
 * name. Each following process keeps the last instant in memory (so `now()` stays synchronous and stands still
 * between changes) and acknowledges every change it applied; `setSharedTestClock` returns once every process that
 * was listening has acknowledged, so the next request a test sends is already answered at the new instant.
 * Until an instant is set, a following process runs on the system's time.
 */

interface ClockChange {
  at: number;
  seq: number;
}

const keyOf = (prefix: string) => new Keys(prefix).testClock();
const ackKeyOf = (prefix: string, seq: number) => new Keys(prefix).testClockAck(seq);
const ACK_TTL_SECONDS = 60;

export interface FollowingClock extends Clock {
  close(): Promise<void>;
}

function parseChange(raw: string | null): ClockChange | undefined {
  if (raw === null) return undefined;
  const change = JSON.parse(raw) as Partial<ClockChange>;
  return typeof change.at === 'number' && typeof change.seq === 'number' ? { at: change.at, seq: change.seq } : undefined;
}

/** A clock that follows the instant set in Redis under the prefix; resolves once it listens and has read the current one. */
export async function followSharedTestClock(redis: string | RedisTarget, prefix: string): Promise<FollowingClock> {
  const target: RedisTarget = typeof redis === 'string' ? { redisUrl: redis, redisClusterNodes: undefined } : redis;
  const subscriber = createRedis(target, 'worker');
  const commands = createRedis(target, 'worker');
  let manual: ManualClock | undefined;
  let applied = -1;
  const apply = async (change: ClockChange | undefined) => {
    if (!change || change.seq <= applied) return;
    applied = change.seq;
    if (manual) manual.set(change.at);
    else manual = new ManualClock(change.at);
    await commands.multi().rpush(ackKeyOf(prefix, change.seq), '1').expire(ackKeyOf(prefix, change.seq), ACK_TTL_SECONDS).exec();
  };
  subscriber.on('message', (_channel: string, message: string) => {
    void apply(parseChange(message)).catch(() => undefined);
  });
  await subscriber.subscribe(keyOf(prefix));
  // Read after subscribing, so a change made in between is seen one way or the other.
  await apply(parseChange(await commands.get(keyOf(prefix))));
  return {
    now: () => (manual ? manual.now() : new Date()),
    close: async () => {
      subscriber.disconnect();
      commands.disconnect();
    },
  };
}

/**
 * Moves every process following the shared clock under the prefix to an instant, and waits until each one that
 * was listening has applied it. Returns how many processes acknowledged.
 */
export async function setSharedTestClock(redis: RedisClient, prefix: string, instant: Instant, timeoutMs = 10_000): Promise<number> {
  const at = new ManualClock(instant).now().getTime();
  const seq = await redis.incr(new Keys(prefix).testClockSeq());
  const message = JSON.stringify({ at, seq } satisfies ClockChange);
  await redis.set(keyOf(prefix), message);
  const listeners = await redis.publish(keyOf(prefix), message);
  const waiter = duplicateRedis(redis);
  try {
    for (let acked = 0; acked < listeners; acked += 1) {
      const popped = await waiter.blpop(ackKeyOf(prefix, seq), timeoutMs / 1000);
      if (!popped) throw new Error(`only ${acked} of ${listeners} processes applied the test clock within ${timeoutMs} ms`);
    }
  } finally {
    waiter.disconnect();
  }
  return listeners;
}

/**
 * The business clock of a process: the one a caller hands in (tests in the same process), else the shared test
 * clock when configured (FOLLOW_TEST_CLOCK), else the system's.
 */
export async function processClock(
  config: Pick<Config, 'followTestClock' | 'redisUrl' | 'redisClusterNodes' | 'redisPrefix'>,
  given?: Clock,
): Promise<{ clock: Clock; close: () => Promise<void> }> {
  if (given) return { clock: given, close: async () => undefined };
  if (!config.followTestClock) return { clock: systemClock, close: async () => undefined };
  const following = await followSharedTestClock(config, config.redisPrefix);
  return { clock: following, close: () => following.close() };
}
