import { Redis, type RedisOptions } from 'ioredis';

export type RedisRole =
  /** Used inside HTTP handlers: commands fail at once while Redis is down instead of queueing up. */
  | 'request'
  /** BullMQ workers and queue events: block and retry forever, as BullMQ requires. */
  | 'worker';

export function createRedis(url: string, role: RedisRole, extra: RedisOptions = {}): Redis {
  const common: RedisOptions = {
    lazyConnect: false,
    connectTimeout: 2000,
    // Reconnect forever with a capped delay, so the service recovers by itself when Redis returns.
    retryStrategy: (times) => Math.min(times * 200, 2000),
  };
  const byRole: RedisOptions =
    role === 'request'
      ? {
          enableOfflineQueue: false,
          maxRetriesPerRequest: 1,
          commandTimeout: 1500,
          // A request has long answered by the time a connection comes back: replaying its unanswered commands
          // then would write cache entries that may already be stale, and would replay the very commands that
          // timed out (see dropWhenCommandsTimeOut).
          autoResendUnfulfilledCommands: false,
        }
      : { maxRetriesPerRequest: null, enableReadyCheck: true };
  const redis = new Redis(url, { ...common, ...byRole, ...extra });
  // ioredis emits 'error' while reconnecting; callers watch readiness through status, not these events.
  redis.on('error', () => undefined);
  if (role === 'request') dropWhenCommandsTimeOut(redis);
  return redis;
}

/**
 * A Redis that accepts connections but answers nothing (frozen, or a network black hole) would make every
 * command of every request wait out its timeout, one after another. The first command that times out drops the
 * connection instead: while it reconnects, and until Redis answers its ready check again, commands fail at once
 * (no offline queue), so the api serves as it does when Redis is down rather than slowly.
 */
function dropWhenCommandsTimeOut(redis: Redis): void {
  const send = redis.sendCommand.bind(redis);
  redis.sendCommand = ((command, stream) => {
    // A command that already failed (sent again by the client itself) says nothing about this connection:
    // reacting to its old timeout would drop every new connection the moment it is ready.
    const isNew = !command.isResolved;
    const sent = send(command, stream);
    if (isNew) {
      command.promise.catch((err: Error) => {
        if (err.message === 'Command timed out' && redis.status === 'ready') redis.disconnect(true);
      });
    }
    return sent;
  }) as Redis['sendCommand'];
}

export function isRedisUp(redis: Redis): boolean {
  return redis.status === 'ready';
}

/** True when a PING answers within the limit. */
export async function pingRedis(redis: Redis, timeoutMs = 1000): Promise<boolean> {
  if (redis.status !== 'ready') return false;
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      redis.ping().then((r) => r === 'PONG').catch(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Redis key names for everything that is not a queue, all under the deployment's prefix. */
export class Keys {
  constructor(readonly prefix: string) {}
  characterView(region: string, realm: string, nameKey: string): string {
    return `${this.prefix}:cache:character:${region}:${realm}:${nameKey}`;
  }
  /** A hash of every cached response about one guild (overviews, "my characters"), dropped as one. */
  guildResponses(guildId: number): string {
    return `${this.prefix}:cache:guild:${guildId}`;
  }
  /** Moves on every drop of `guildResponses`, so a body computed before a drop is not stored after it. */
  guildResponsesVersion(guildId: number): string {
    return `${this.prefix}:cache:guild-version:${guildId}`;
  }
  /** Membership lookups of a guild's cached character views, one field per member (`memberLookupField`). */
  guildMemberLookups(guildId: number): string {
    return `${this.prefix}:cache:guild-members:${guildId}`;
  }
  permission(guildId: number, bnetId: number): string {
    return `${this.prefix}:perm:${guildId}:${bnetId}`;
  }
  /** Every cached permission of a user, so a webhook can drop them all. */
  userPermissions(bnetId: number): string {
    return `${this.prefix}:perm-index:${bnetId}`;
  }
  guildApiSnapshot(guildId: number): string {
    return `${this.prefix}:guild-api:${guildId}`;
  }
  rateLimit(): string {
    return `${this.prefix}:rl`;
  }
  quota(): string {
    return `${this.prefix}:quota`;
  }
  /** The distinct guilds one guild compared itself with on one day. */
  comparisonNames(guildId: number, day: string): string {
    return `${this.prefix}:cmp-names:${guildId}:${day}`;
  }
}

/** The field of a member's lookup in `Keys.guildMemberLookups`. */
export const memberLookupField = (realm: string, nameKey: string): string => `char:${realm}:${nameKey}`;
