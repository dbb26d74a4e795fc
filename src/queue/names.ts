/** Queue names, shared by the producers (api, CLI, worker fan-out) and the worker that consumes them. */
export const QUEUE_NAMES = {
  characterRefresh: 'character-refresh',
  guildSync: 'guild-sync',
  guildComparison: 'guild-comparison',
  membershipEvents: 'membership-events',
  outbound: 'outbound',
} as const;

export type QueueName = (typeof QUEUE_NAMES)[keyof typeof QUEUE_NAMES];
export const ALL_QUEUE_NAMES: QueueName[] = Object.values(QUEUE_NAMES);
