import { Queue, QueueEvents } from 'bullmq';
import { queuePrefix, type RedisClient } from '../redis.js';
import { ALL_QUEUE_NAMES, QUEUE_NAMES, type QueueName } from './names.js';

/** A queue by its key in QUEUE_NAMES: what a job kind names as its queue. */
export type QueueKey = keyof typeof QUEUE_NAMES;

export type Queues = Record<QueueKey, Queue>;

/** Producers' handles on every queue, all on one connection; `prefix` is the deployment's Redis prefix. */
export function createQueues(connection: RedisClient, prefix: string): Queues {
  const make = (name: QueueName) => new Queue(name, { connection, prefix: queuePrefix(prefix, name) });
  return {
    characterRefresh: make(QUEUE_NAMES.characterRefresh),
    guildSync: make(QUEUE_NAMES.guildSync),
    guildComparison: make(QUEUE_NAMES.guildComparison),
    membershipEvents: make(QUEUE_NAMES.membershipEvents),
    outbound: make(QUEUE_NAMES.outbound),
  };
}

export function createQueueEvents(connection: RedisClient, prefix: string, name: QueueName): QueueEvents {
  return new QueueEvents(name, { connection, prefix: queuePrefix(prefix, name) });
}

export async function closeQueues(queues: Queues): Promise<void> {
  await Promise.allSettled(Object.values(queues).map((q) => q.close()));
}

export { ALL_QUEUE_NAMES, QUEUE_NAMES };
