import { Cluster, Redis, type ClusterOptions, type Command, type RedisOptions } from 'ioredis';
import type { Config } from './config.js';

export type RedisRole =
  /** Used inside HTTP handlers: commands fail at once while Redis is down instead of queueing up. */
  | 'request'
  /** BullMQ workers and queue events: block and retry forever, as BullMQ requires. */
  | 'worker';

/** A connection to a single Redis or to a Redis Cluster: the service uses both alike (see `Keys` for why it can). */
export type RedisClient = Redis | Cluster;

/** Where Redis is: a single node by URL, or a cluster by its seed nodes (then the URL only lends credentials). */
export type RedisTarget = Pick<Config, 'redisUrl' | 'redisClusterNodes'>;

/** Reconnect forever with a capped delay, so the service recovers by itself when Redis returns. */
const retryStrategy = (times: number) => Math.min(times * 200, 2000);

function roleOptions(role: RedisRole): RedisOptions {
  return role === 'request'
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
}

/** A connection to a single Redis, by URL (tests and tools that talk to one node use this form). */
export function createRedis(url: string, role: RedisRole, extra?: RedisOptions): Redis;
/** A connection to the configured Redis: a cluster client when cluster nodes are configured. */
export function createRedis(target: RedisTarget, role: RedisRole, extra?: RedisOptions): RedisClient;
export function createRedis(target: string | RedisTarget, role: RedisRole, extra: RedisOptions = {}): RedisClient {
  const nodes = typeof target === 'string' ? undefined : target.redisClusterNodes;
  const url = typeof target === 'string' ? target : target.redisUrl;
  const byRole = roleOptions(role);
  let redis: RedisClient;
  if (nodes && nodes.length > 0) {
    const { enableOfflineQueue, ...nodeOptions } = byRole;
    const options: ClusterOptions = {
      // Commands wait for the cluster (and for the slot map after a failover) only in the worker role.
      enableOfflineQueue: enableOfflineQueue ?? true,
      enableReadyCheck: true,
      clusterRetryStrategy: retryStrategy,
      redisOptions: { connectTimeout: 2000, ...credentialsOf(url), ...nodeOptions, ...extra },
    };
    redis = new Cluster(nodes, options);
  } else {
    redis = new Redis(url, { lazyConnect: false, connectTimeout: 2000, retryStrategy, ...byRole, ...extra });
  }
  // ioredis emits 'error' while reconnecting; callers watch readiness through status, not these events.
  redis.on('error', () => undefined);
  if (role === 'request') dropWhenCommandsTimeOut(redis);
  return redis;
}

/** The user, password and TLS of `REDIS_URL`, applied to every node of a cluster. */
function credentialsOf(url: string): RedisOptions {
  const parsed = new URL(url);
  return {
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

/**
 * A Redis that accepts connections but answers nothing (frozen, or a network black hole) would make every
 * command of every request wait out its timeout, one after another. The first command that times out drops the
 * connection instead: while it reconnects, and until Redis answers its ready check again, commands fail at once
 * (no offline queue), so the api serves as it does when Redis is down rather than slowly.
 */
type SendCommand = (command: Command, ...rest: unknown[]) => unknown;

function dropWhenCommandsTimeOut(redis: RedisClient): void {
  const patched = redis as unknown as { sendCommand: SendCommand };
  const send = patched.sendCommand.bind(redis);
  patched.sendCommand = (command, ...rest) => {
    // A command that already failed (sent again by the client itself) says nothing about this connection:
    // reacting to its old timeout would drop every new connection the moment it is ready.
    const isNew = !command.isResolved;
    const sent = send(command, ...rest);
    if (isNew) {
      command.promise.catch((err: Error) => {
        if (err.message === 'Command timed out' && redis.status === 'ready') redis.disconnect(true);
      });
    }
    return sent;
  };
}

/** A new connection with the same options (a blocking command needs a connection of its own). */
export function duplicateRedis(redis: RedisClient): RedisClient {
  return redis instanceof Cluster ? redis.duplicate() : redis.duplicate();
}

export function isRedisUp(redis: RedisClient): boolean {
  return redis.status === 'ready';
}

/** True when a PING answers within the limit. */
export async function pingRedis(redis: RedisClient, timeoutMs = 1000): Promise<boolean> {
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

/**
 * Every Redis key name of the service, all under the deployment's prefix (queues included, see `queuePrefix`).
 *
 * Keys that one MULTI, pipeline or script touches together carry the same hash tag, so the layout works on a
 * Redis Cluster, where such a command must stay within one hash slot (a single Redis ignores the tags):
 * - `{g:<guildId>}`: everything about one guild (its rendered bodies and their version, the character views it
 *   serves, permissions of its users, guild-api's snapshot, comparison names), so one script can read a
 *   permission, the snapshot and a body of the guild in one round trip;
 * - `{u:<bnetId>}`: a user's index of cached permissions (read, then each permission dropped in its own slot);
 * - `{q:<client>}`: the Battle.net quota gate's keys, which its scripts touch together;
 * - `{queue:<name>}`: one BullMQ queue, whose scripts touch all its keys;
 * - `{demand}`: what the api records for the freshness scheduler, written by one pipeline a second.
 * The deployment's prefix comes first and has no braces (checked in config), so a prefix scan finds every key.
 */
export class Keys {
  constructor(readonly prefix: string) {}
  /** The start of every key about one guild; its hash tag puts all of them in one slot. */
  guildScope(guildId: number): string {
    return `${this.prefix}:{g:${guildId}}`;
  }
  /**
   * The guilds holding a cached view of this character in their member hash, so a write can drop every copy
   * (read alone, then each guild's copy is dropped in the guild's own slot).
   */
  characterViewGuilds(region: string, realm: string, nameKey: string): string {
    return `${this.prefix}:cache:character-guilds:${region}:${realm}:${nameKey}`;
  }
  /** A hash of the guild's cached overviews (every sort, filter and page), dropped as one. */
  guildResponses(guildId: number): string {
    return `${this.guildScope(guildId)}:cache:guild`;
  }
  /**
   * Each user's "my characters" in one guild, one field per user (`characters:<bnetId>`): apart from the
   * overviews, so a character's write drops only its owners' bodies (`guildCharacterOwners`).
   */
  guildUserResponses(guildId: number): string {
    return `${this.guildScope(guildId)}:cache:guild-users`;
  }
  /** Which users' cached "my characters" list a character: field `memberLookupField`, value `<bnetId>,<bnetId>…`. */
  guildCharacterOwners(guildId: number): string {
    return `${this.guildScope(guildId)}:cache:guild-owners`;
  }
  /** Moves on every drop of `guildResponses`, so a body computed before a drop is not stored after it. */
  guildResponsesVersion(guildId: number): string {
    return `${this.guildScope(guildId)}:cache:guild-version`;
  }
  /**
   * A guild's cached character views, one field per current member (`memberLookupField`): a field there is
   * both the view's bytes and the proof that the character is a member, so a cached view needs no database.
   */
  guildMemberLookups(guildId: number): string {
    return `${this.guildScope(guildId)}:cache:guild-members`;
  }
  permission(guildId: number, bnetId: number): string {
    return `${this.guildScope(guildId)}:perm:${bnetId}`;
  }
  /** Every cached permission of a user, so a webhook can drop them all (they sit in their guilds' slots). */
  userPermissions(bnetId: number): string {
    return `${this.prefix}:{u:${bnetId}}:perm-index`;
  }
  /**
   * A counter every drop of a user's permissions moves, so a decision guild-api gave before the drop is not kept
   * after it (see `GuildAccess.remember`).
   */
  userPermissionGeneration(bnetId: number): string {
    return `${this.prefix}:{u:${bnetId}}:perm-generation`;
  }
  guildApiSnapshot(guildId: number): string {
    return `${this.guildScope(guildId)}:guild-api`;
  }
  /** Moved by every drop of the guild's snapshot, so one taken before the drop is not stored after it. */
  guildApiSnapshotGeneration(guildId: number): string {
    return `${this.guildScope(guildId)}:guild-api-generation`;
  }
  /** The api's request counters; rate-limiter-flexible appends `:<user or ip>` and touches one key per command. */
  rateLimit(): string {
    return `${this.prefix}:rl`;
  }
  /** The base of one Battle.net client's quota keys (`:blocked`, `:sec:<s>`, `:bucket` are appended). */
  quota(clientKey: string): string {
    return `${this.prefix}:{q:${clientKey}}:quota`;
  }
  /** Set for a minute after a read-only API token's use is recorded, so a busy token writes once a minute. */
  apiTokenUse(guildId: number, tokenId: number): string {
    return `${this.guildScope(guildId)}:api-token-use:${tokenId}`;
  }
  /** When each character was last read: member `region/realm/nameKey`, score the read's instant (ms). */
  demandReads(): string {
    return `${this.prefix}:{demand}:reads`;
  }
  /** Each character's demand score (reads weighted by age, see `demandIncrement`), same members. */
  demandScores(): string {
    return `${this.prefix}:{demand}:scores`;
  }
  /** When each guild was last opened (any guild route): member the guild id, score the instant (ms). */
  guildsOpened(): string {
    return `${this.prefix}:{demand}:guilds`;
  }
  /** When each guild's overview (its member list) was last opened. */
  overviewsOpened(): string {
    return `${this.prefix}:{demand}:overviews`;
  }
  /** Held by the one worker that runs the freshness scheduler. */
  freshnessLease(): string {
    return `${this.prefix}:freshness:lease`;
  }
  /** The distinct guilds one guild compared itself with on one day. */
  comparisonNames(guildId: number, day: string): string {
    return `${this.guildScope(guildId)}:cmp-names:${day}`;
  }
  /** The shared test clock's instant, also the channel its changes are published on (src/shared-test-clock.ts). */
  testClock(): string {
    return `${this.prefix}:test-clock`;
  }
  testClockSeq(): string {
    return `${this.prefix}:test-clock:seq`;
  }
  testClockAck(seq: number): string {
    return `${this.prefix}:test-clock:ack:${seq}`;
  }
}

/**
 * BullMQ's `prefix` option for one queue: BullMQ names a queue's keys `<prefix>:<queue>:…` and its scripts touch
 * many of them at once, so on a Redis Cluster the prefix must carry a hash tag. One tag per queue (rather than one
 * for all) spreads the queues over the cluster's masters; nothing touches two queues in one command.
 */
export function queuePrefix(redisPrefix: string, queueName: string): string {
  return `${redisPrefix}:{queue:${queueName}}`;
}

/** The field of a member's cached view in `Keys.guildMemberLookups`. */
export const memberLookupField = (realm: string, nameKey: string): string => `char:${realm}:${nameKey}`;

/** A Lua script defined as a command of one client; each call answers the script's reply. */
export type ScriptCommand = (keys: readonly string[], ...args: Array<string | number | Buffer>) => Promise<unknown>;

/**
 * The script as a command of this client (defined once per client, on a single node or a Cluster alike): it goes
 * by its SHA (EVALSHA) and its text only the first time on each connection, where `eval` would send the whole
 * script on every call.
 */
export function scriptCommand(redis: RedisClient, name: string, numberOfKeys: number, lua: string): ScriptCommand {
  defineScript(redis, name, numberOfKeys, lua);
  const command = (redis as unknown as Record<string, (...args: Array<string | number | Buffer>) => Promise<unknown>>)[name]!;
  return (keys, ...args) => command.call(redis, ...keys, ...args);
}

/**
 * Defines the script as the command `name` of this client (and `nameBuffer`, and on the client's pipelines),
 * once per client whoever asks first.
 */
export function defineScript(redis: RedisClient, name: string, numberOfKeys: number, lua: string): void {
  if (typeof (redis as unknown as Record<string, unknown>)[name] !== 'function') redis.defineCommand(name, { numberOfKeys, lua });
}
