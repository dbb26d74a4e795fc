import type { Clock } from '../../clock.js';
import type { Logger } from '../../logger.js';
import { isRedisUp, type Keys, type RedisClient } from '../../redis.js';
import { demandIncrement } from '../../worker/freshness/policy.js';
import { DEMAND_HALF_LIFE_MS, demandMember } from '../../worker/freshness/settings.js';
import { nameKey } from '../../queue/schemas.js';

/** How often the api writes what was read to Redis. */
export const DEMAND_FLUSH_MS = 1000;

/**
 * What people read, for the worker's freshness scheduler: characters read (with how often) and guilds opened
 * (and whether their overview was). Recorded in memory on the request, which never waits on it, and written to
 * Redis once a second in one pipeline: at most four commands per flush whatever the traffic, and nothing while
 * nothing is read. A flush that fails (Redis down) is dropped: demand is a hint, and the next reads record it again.
 */
export class DemandRecorder {
  private reads = new Map<string, { at: number; score: number }>();
  private guilds = new Map<number, number>();
  private overviews = new Map<number, number>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;

  constructor(private readonly deps: { redis: RedisClient; keys: Keys; clock: Clock; logger: Logger }) {}

  /** A character was shown (its view, "my characters"). */
  characterRead(region: string, realm: string, name: string): void {
    const at = this.deps.clock.now().getTime();
    const member = demandMember(region, realm, nameKey(name));
    const seen = this.reads.get(member);
    const increment = demandIncrement(at, DEMAND_HALF_LIFE_MS);
    if (seen) {
      seen.at = Math.max(seen.at, at);
      seen.score += increment;
    } else {
      this.reads.set(member, { at, score: increment });
    }
  }

  /** A guild route was used; `overview` when the guild's member list was shown. */
  guildOpened(guildId: number, overview = false): void {
    const at = this.deps.clock.now().getTime();
    this.guilds.set(guildId, Math.max(at, this.guilds.get(guildId) ?? 0));
    if (overview) this.overviews.set(guildId, Math.max(at, this.overviews.get(guildId) ?? 0));
  }

  start(): void {
    this.timer ??= setInterval(() => void this.flush(), DEMAND_FLUSH_MS);
    this.timer.unref();
  }

  /** Writes what was recorded since the last flush; resolves when it is written (or dropped). */
  flush(): Promise<void> {
    this.flushing ??= this.write().finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.flushing;
    await this.flush();
  }

  private async write(): Promise<void> {
    if (this.reads.size === 0 && this.guilds.size === 0 && this.overviews.size === 0) return;
    const { redis, keys, logger } = this.deps;
    const reads = this.reads;
    const guilds = this.guilds;
    const overviews = this.overviews;
    this.reads = new Map();
    this.guilds = new Map();
    this.overviews = new Map();
    if (!isRedisUp(redis)) return;
    const pipeline = redis.pipeline();
    if (reads.size > 0) {
      // GT: a replica whose flush arrives late never moves a last read back.
      pipeline.zadd(keys.demandReads(), 'GT', ...[...reads].flatMap(([member, r]) => [r.at, member]));
      for (const [member, r] of reads) pipeline.zincrby(keys.demandScores(), r.score, member);
    }
    if (guilds.size > 0) pipeline.zadd(keys.guildsOpened(), 'GT', ...[...guilds].flatMap(([id, at]) => [at, String(id)]));
    if (overviews.size > 0) pipeline.zadd(keys.overviewsOpened(), 'GT', ...[...overviews].flatMap(([id, at]) => [at, String(id)]));
    try {
      const results = (await pipeline.exec()) ?? [];
      const failed = results.find(([err]) => err);
      if (failed) logger.warn({ err: failed[0]?.message }, 'demand could not be recorded');
    } catch (err) {
      logger.warn({ err: (err as Error).message }, 'demand could not be recorded');
    }
  }
}
