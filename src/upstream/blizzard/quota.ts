import { createHash } from 'node:crypto';
import type { RedisClient } from '../../redis.js';
import type { UpstreamMetrics } from '../metrics.js';
import { sleep } from '../http.js';

/**
 * Admission to Battle.net's per-client quota. Every API request passes `acquire()` first;
 * a 429 calls `block(ms)` so that every process sharing the quota pauses, not just the one that was refused.
 */
export interface QuotaGate {
  /** Resolves once admitted, with the admission instant (ms since the epoch) on the gate's own clock. */
  acquire(): Promise<number>;
  block(ms: number): Promise<void>;
}

/** No limit and no shared state: for tests and one-off scripts. `block` is still honoured locally. */
export class UnlimitedQuota implements QuotaGate {
  private blockedUntil = 0;

  async acquire(): Promise<number> {
    const wait = this.blockedUntil - Date.now();
    if (wait > 0) await sleep(wait);
    return Date.now();
  }

  async block(ms: number): Promise<void> {
    this.blockedUntil = Math.max(this.blockedUntil, Date.now() + ms);
  }
}

export interface RedisQuotaOptions {
  /** The base of the quota's keys (`Keys.quota`): one quota per API client, since Battle.net counts per client. */
  key: string;
  perSecond: number;
  perHour: number;
  /** Share of each quota left unused (0.05 = 5 %), for clock skew between us and Battle.net and for other tools. */
  headroom: number;
  /** Length of the "hour" in seconds. Only tests shorten it, to watch the bucket refill. */
  hourSeconds?: number;
  /**
   * Share of the hour's budget that may be spent in one burst (the bucket's capacity); the rest refills
   * evenly over the hour. Half of 36,000 (less headroom) lets 17,100 requests, a 5,000-member guild, through
   * at the per-second rate, and sustains 4.75 requests/s after that.
   */
  burstShare?: number;
  /**
   * Nothing is admitted in the last `edgeMs` of a second. Battle.net counts a request in the second it
   * arrives, and one admitted in the last milliseconds of a second (network, a busy event loop) routinely
   * lands in the next, already full, one. The budget is unchanged; it is spent earlier in the second.
   */
  edgeMs?: number;
  metrics?: UpstreamMetrics;
}

/*
 * One atomic step, timed by Redis's clock so that replicas with skewed clocks still agree on the windows.
 * Returns {0, tokensLeft, now} when admitted, else {msToWait, -1, now}. The admission instant is Redis's:
 * it is the one the windows were counted in, whatever the caller's event loop does afterwards.
 * - a shared "blocked until" set after a 429 holds everyone;
 * - Battle.net refuses requests over 100 in a wall-clock second for the rest of that second, so admissions
 *   are counted in aligned one-second windows (a key per second, INCR + expiry), and none is admitted in the
 *   last edge_ms of a window;
 * - the hourly quota is a token bucket: a full bucket allows a burst at the per-second rate, then admission
 *   settles at the refill rate.
 * Every key extends the base, which carries the quota's hash tag, so the script stays within one slot on Redis Cluster.
 */
const ACQUIRE = `
local base = KEYS[1]
local budget = tonumber(ARGV[1])
local capacity = tonumber(ARGV[2])
local refill_per_ms = tonumber(ARGV[3])
local edge_ms = tonumber(ARGV[4])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)

local blocked = tonumber(redis.call('GET', base .. ':blocked') or '0')
if blocked > now then return {blocked - now, -1, now} end

local second = math.floor(now / 1000)
if now - second * 1000 >= 1000 - edge_ms then return {(second + 1) * 1000 - now + 1, -1, now} end
local window = base .. ':sec:' .. second
if tonumber(redis.call('GET', window) or '0') >= budget then return {(second + 1) * 1000 - now, -1, now} end

local bucket = base .. ':bucket'
local state = redis.call('HMGET', bucket, 'tokens', 'at')
local tokens = tonumber(state[1]) or capacity
local at = tonumber(state[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - at) * refill_per_ms)
if tokens < 1 then return {math.ceil((1 - tokens) / refill_per_ms), -1, now} end

redis.call('HSET', bucket, 'tokens', tostring(tokens - 1), 'at', now)
redis.call('PEXPIRE', bucket, math.ceil(capacity / refill_per_ms) + 60000)
redis.call('INCR', window)
redis.call('PEXPIRE', window, 2000)
return {0, math.floor(tokens - 1), now}
`;

const BLOCK = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ms = tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if now + ms > current then redis.call('SET', KEYS[1], now + ms, 'PX', ms) end
return now + ms
`;

const DEFAULT_BURST_SHARE = 0.5;

/** Battle.net quota shared by every worker replica through Redis. */
export class RedisQuotaGate implements QuotaGate {
  private readonly base: string;
  private readonly budgetPerSecond: number;
  private readonly capacity: number;
  private readonly refillPerMs: number;

  constructor(
    private readonly redis: RedisClient,
    private readonly options: RedisQuotaOptions,
  ) {
    const keep = 1 - options.headroom;
    const hourMs = (options.hourSeconds ?? 3600) * 1000;
    this.base = options.key;
    this.budgetPerSecond = Math.max(1, Math.floor(options.perSecond * keep));
    // In any rolling hour the bucket admits at most its capacity plus an hour of refill, so the two are split
    // out of one hour's budget: the worst hour (a full bucket spent, then a steady stream) stays under the
    // quota, a guild resync still bursts at the per-second rate, and steady traffic settles just below it.
    const hourBudget = options.perHour * keep;
    const burstShare = options.burstShare ?? DEFAULT_BURST_SHARE;
    this.capacity = Math.max(1, Math.floor(hourBudget * burstShare));
    this.refillPerMs = (hourBudget * (1 - burstShare)) / hourMs;
  }

  async acquire(): Promise<number> {
    for (;;) {
      const [waitMs, remaining, admittedAt] = (await runScript(this.redis, ACQUIRE, [this.base], [
        this.budgetPerSecond,
        this.capacity,
        this.refillPerMs,
        this.options.edgeMs ?? 50,
      ])) as [number, number, number];
      if (waitMs <= 0) {
        this.options.metrics?.quotaRemaining?.('blizzard', remaining);
        return admittedAt;
      }
      // A little jitter so that waiters do not all hit Redis in the same millisecond.
      await sleep(waitMs + Math.random() * 3);
    }
  }

  async block(ms: number): Promise<void> {
    if (ms <= 0) return;
    await runScript(this.redis, BLOCK, [`${this.base}:blocked`], [Math.ceil(ms)]);
  }
}

const shas = new Map<string, string>();

/** EVALSHA with a fallback to EVAL when Redis has not seen the script yet (or was restarted). */
async function runScript(redis: RedisClient, script: string, keys: string[], args: Array<string | number>): Promise<unknown> {
  let sha = shas.get(script);
  if (!sha) {
    sha = createHash('sha1').update(script).digest('hex');
    shas.set(script, sha);
  }
  try {
    return await redis.evalsha(sha, keys.length, ...keys, ...args);
  } catch (error) {
    if (!(error instanceof Error) || !error.message.includes('NOSCRIPT')) throw error;
    return redis.eval(script, keys.length, ...keys, ...args);
  }
}
