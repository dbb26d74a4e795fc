import { randomUUID } from 'node:crypto';
import { fetchedSince } from '../../db/tables/character-progress.js';
import { freshnessMembers } from '../../db/tables/guild-memberships.js';
import type { CharacterRef } from '../../db/tables/characters.js';
import { PRIORITY } from '../../queue/character-refresh.js';
import type { WorkerContext } from '../context.js';
import { enqueueRefreshes, type DueCharacter } from '../fan-out.js';
import { REQUESTS_PER_REFRESH } from '../processors/character-refresh.js';
import { guildOpenings } from './guilds.js';
import { FreshnessIndex, type PickReason } from './policy.js';
import { demandMember, freshnessSettings, RefreshCost, refreshesPerTick } from './settings.js';

/** How often the leader rebuilds its index from PostgreSQL (memberships change rarely; fetches are followed per tick). */
const RELOAD_MS = 10 * 60 * 1000;
/** Deltas are read with this much overlap: a transaction that committed late is still seen. Re-applying is harmless. */
const OVERLAP_MS = 120_000;

export interface TickResult {
  /** Whether this worker holds the lease (only one worker schedules at a time). */
  leader: boolean;
  /** Refreshes the tick could start. */
  budget: number;
  /** Refreshes enqueued, by the reason they were picked. */
  picked: Partial<Record<PickReason, number>>;
  enqueued: number;
  /** Characters the index knows. */
  characters: number;
}

interface Known extends CharacterRef {
  member: string;
}

/**
 * The worker's freshness scheduler: every FRESHNESS_TICK seconds, the worker holding the lease picks which
 * characters to refresh with its share of the quota (`FreshnessIndex`, the pure policy) and enqueues them at
 * background priority, where any reader's refresh still goes first.
 *
 * The leader keeps the index in memory: loaded from PostgreSQL (memberships, ranks, fetch times) and Redis (the
 * demand the api records) when it takes the lease and every ten minutes, and brought up to date each tick from
 * what changed since (characters fetched, reads, guilds and overviews opened). A tick starts no more refreshes
 * than its budget less the refreshes still waiting in the queue, so a backlog (readers' misses, a sync's joiners,
 * a Battle.net pause) is never added to.
 */
export class FreshnessScheduler {
  private index: FreshnessIndex<number> | undefined;
  private known = new Map<number, Known>();
  private byMember = new Map<string, number>();
  private loadedAt = 0;
  private fetchedWatermark = 0;
  private readsWatermark = 0;
  private guildsWatermark = 0;
  private carry = 0;
  /** Requests per refresh measured on this worker's refreshes (a 304 costs one). */
  private readonly cost = new RefreshCost(REQUESTS_PER_REFRESH);
  private costSeen = { refreshes: 0, requests: 0 };
  private readonly token = randomUUID();
  private running: Promise<TickResult> | undefined;
  private readonly settings;

  constructor(private readonly ctx: WorkerContext) {
    this.settings = freshnessSettings(ctx.config);
  }

  /** Ticks every FRESHNESS_TICK seconds; returns the function that stops it (and gives the lease up). */
  start(): () => Promise<void> {
    const timer = setInterval(() => {
      void this.tick().catch((err: Error) => this.ctx.logger.warn({ reason: err.message }, 'freshness tick failed, will retry'));
    }, this.ctx.config.freshness.tickSeconds * 1000);
    timer.unref();
    return async () => {
      clearInterval(timer);
      await this.running?.catch(() => undefined);
      await this.release().catch(() => undefined);
    };
  }

  /** One tick; `budget` replaces the quota's share (tests). Concurrent calls share one run. */
  tick(options: { budget?: number } = {}): Promise<TickResult> {
    this.running ??= this.run(options).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Drops the index: the next tick loads it again. */
  invalidate(): void {
    this.index = undefined;
  }

  private async run(options: { budget?: number }): Promise<TickResult> {
    const { ctx } = this;
    if (!(await this.holdLease())) {
      this.index = undefined;
      return { leader: false, budget: 0, picked: {}, enqueued: 0, characters: 0 };
    }
    const now = ctx.clock.now().getTime();
    if (!this.index || Date.now() - this.loadedAt >= RELOAD_MS) await this.load(now);
    else await this.catchUp(now);
    const index = this.index!;

    const budget = options.budget ?? (await this.quotaBudget());
    const picks = index.pick(now, budget);
    const refs: DueCharacter[] = [];
    const picked: TickResult['picked'] = {};
    for (const p of picks) {
      const known = this.known.get(p.id);
      if (!known) continue;
      // The fetch the pick was based on: a refresh another producer lands before this job runs answers it.
      refs.push({ region: known.region, realm: known.realm, name: known.name, seenFetchedAt: index.fetchedAtOf(p.id) ?? null });
      picked[p.reason] = (picked[p.reason] ?? 0) + 1;
    }
    const enqueued = refs.length ? await enqueueRefreshes(ctx.queues, refs, PRIORITY.background, 'scheduled', ctx.logger) : 0;
    if (enqueued > 0) ctx.logger.debug({ picked, budget }, 'freshness refreshes enqueued');
    return { leader: true, budget, picked, enqueued, characters: index.size };
  }

  /** The tick's share of the quota, less what still waits in the refresh queue. */
  private async quotaBudget(): Promise<number> {
    const counts = await this.ctx.queues.characterRefresh.getJobCounts('wait', 'prioritized');
    const waiting = (counts.wait ?? 0) + (counts.prioritized ?? 0);
    await this.observeCost();
    const share = refreshesPerTick(this.ctx.config, this.cost.requestsPerRefresh) + this.carry;
    const whole = Math.floor(share);
    this.carry = share - whole;
    return Math.max(0, whole - waiting);
  }

  /** Feeds the refreshes this process made since the last tick, and their requests, to the cost estimate. */
  private async observeCost(): Promise<void> {
    const { values } = await this.ctx.metrics.blizzardRequestsPerRefresh.get();
    let refreshes = 0;
    let requests = 0;
    for (const v of values) {
      if (v.metricName?.endsWith('_count')) refreshes += v.value;
      else if (v.metricName?.endsWith('_sum')) requests += v.value;
    }
    this.cost.observe(refreshes - this.costSeen.refreshes, requests - this.costSeen.requests);
    this.costSeen = { refreshes, requests };
  }

  private async holdLease(): Promise<boolean> {
    const { redis, keys, config } = this.ctx;
    const key = keys.freshnessLease();
    const ttl = config.freshness.tickSeconds * 3000;
    if ((await redis.set(key, this.token, 'PX', ttl, 'NX')) === 'OK') return true;
    if ((await redis.get(key)) !== this.token) return false;
    await redis.pexpire(key, ttl);
    return true;
  }

  private async release(): Promise<void> {
    const { redis, keys } = this.ctx;
    if ((await redis.get(keys.freshnessLease())) === this.token) await redis.del(keys.freshnessLease());
  }

  /** Builds the index from scratch. */
  private async load(now: number): Promise<void> {
    const { ctx } = this;
    const index = new FreshnessIndex<number>(this.settings);
    // Overview hours live only in memory: a rebuild keeps those the previous index saw.
    if (this.index) index.adoptOverviewHistory(this.index.overviewHistory());
    const known = new Map<number, Known>();
    const byMember = new Map<string, number>();
    const [openings, overviews, members] = await Promise.all([
      guildOpenings(ctx),
      ctx.redis.zrange(ctx.keys.overviewsOpened(), '0', '-1', 'WITHSCORES'),
      freshnessMembers(ctx.orm.em.fork()),
    ]);
    const overviewAt = new Map<number, number>();
    for (let i = 0; i < overviews.length; i += 2) overviewAt.set(Number(overviews[i]), Number(overviews[i + 1]));
    for (const o of openings) index.setGuild(o.guild.id, o.openedAt, overviewAt.get(o.guild.id) ?? null);
    const raiderMaxRank = ctx.config.freshness.raiderMaxRank;
    for (const m of members) {
      const member = demandMember(m.region, m.realm, m.nameKey);
      known.set(m.characterId, { region: m.region, realm: m.realm, name: m.name, member });
      byMember.set(member, m.characterId);
      index.setMembership(m.characterId, m.guildId, m.rankId !== null && m.rankId <= raiderMaxRank, now);
      index.characterFetched(m.characterId, m.fetchedAt?.getTime() ?? null, now, m.notFound);
    }
    this.index = index;
    this.known = known;
    this.byMember = byMember;
    this.loadedAt = Date.now();
    // Reads older than the demand window make nobody hot; older than the retirement period they are forgotten.
    await ctx.redis.zremrangebyscore(ctx.keys.demandReads(), '-inf', String(now - this.settings.retirementMs));
    this.readsWatermark = now - this.settings.demandWindowMs;
    this.guildsWatermark = now;
    this.fetchedWatermark = now;
    await this.applyReads(now);
  }

  /** Applies what changed since the last tick. */
  private async catchUp(now: number): Promise<void> {
    const { ctx } = this;
    const index = this.index!;
    const since = Math.min(this.fetchedWatermark, now) - OVERLAP_MS;
    for (const f of await fetchedSince(ctx.orm.em.fork(), new Date(since))) {
      if (!index.has(f.characterId)) continue;
      index.characterFetched(f.characterId, f.fetchedAt.getTime(), now, f.notFound);
      this.fetchedWatermark = Math.max(this.fetchedWatermark, f.fetchedAt.getTime());
    }
    const guildsSince = this.guildsWatermark - OVERLAP_MS;
    const [opened, overviews] = await Promise.all([
      ctx.redis.zrangebyscore(ctx.keys.guildsOpened(), guildsSince, '+inf', 'WITHSCORES'),
      ctx.redis.zrangebyscore(ctx.keys.overviewsOpened(), guildsSince, '+inf', 'WITHSCORES'),
    ]);
    for (let i = 0; i < opened.length; i += 2) {
      const at = Number(opened[i + 1]);
      index.guildOpened(Number(opened[i]), at, now);
      this.guildsWatermark = Math.max(this.guildsWatermark, at);
    }
    for (let i = 0; i < overviews.length; i += 2) {
      const at = Number(overviews[i + 1]);
      index.guildOpened(Number(overviews[i]), at, now, true);
      this.guildsWatermark = Math.max(this.guildsWatermark, at);
    }
    await this.applyReads(now);
  }

  /** Reads recorded since the watermark, with each character's demand score. */
  private async applyReads(now: number): Promise<void> {
    const { ctx } = this;
    const reads = await ctx.redis.zrangebyscore(ctx.keys.demandReads(), this.readsWatermark - OVERLAP_MS, '+inf', 'WITHSCORES');
    if (reads.length === 0) return;
    const members: string[] = [];
    const at: number[] = [];
    for (let i = 0; i < reads.length; i += 2) {
      members.push(reads[i]!);
      at.push(Number(reads[i + 1]));
    }
    const scores = await ctx.redis.zmscore(ctx.keys.demandScores(), ...members);
    const index = this.index!;
    members.forEach((member, i) => {
      const id = this.byMember.get(member);
      this.readsWatermark = Math.max(this.readsWatermark, at[i]!);
      if (id === undefined) return;
      const score = scores[i];
      index.characterRead(id, at[i]!, now, score === null || score === undefined ? undefined : Number(score));
    });
  }
}
