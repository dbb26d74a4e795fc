import type { Clock } from '../../clock.js';
import type { Config } from '../../config.js';
import { isKnownMissing } from '../../domain/not-found.js';
import type { Job, QueueEvents } from 'bullmq';
import type { RedisClient } from '../../redis.js';
import { serviceUnavailable, type AppError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import { isRedisUp } from '../../redis.js';
import { freshnessOf, type Freshness } from './freshness.js';
import { fromDatabase } from './read-model.js';
import { refreshAndWait, type WaitOutcome } from './refresh-wait.js';
import { SingleFlight } from './single-flight.js';

/** What every projection row served through the reader records about its last fetch. */
export interface ProjectionRow {
  /** 'ok', 'not_found' (the upstream does not know it) or 'error' (nothing good stored, last fetch failed). */
  fetchStatus: string | null;
  fetchedAt: string | null;
  lastErrorAt: string | null;
}

/** Why a refresh is asked for: nothing stored yet, or the stored data is past its freshness window. */
export type RefreshReason = 'miss' | 'stale';

/** One thing to read: where its projection row is, and how to ask the worker for it. */
export interface ReadTarget<Row extends ProjectionRow> {
  /** The refresh job's deduplication key: concurrent misses in this process share one wait on it. */
  key: string;
  /** The projection row; read once more after a wait. */
  read: () => Promise<Row | undefined>;
  /** Adds the refresh job, or joins the one already waiting or running (queue deduplication). */
  enqueue: (reason: RefreshReason) => Promise<Job>;
}

/** What a read ends with; a not-found or unavailable upstream is thrown as the policy's typed error. */
export type ReadOutcome<Row> =
  | { kind: 'row'; row: Row; fresh: Freshness }
  | { kind: 'pending' };

/** How one kind of projection is served: the same steps for every kind, these are what differ. */
export interface ReaderPolicy<Row extends ProjectionRow> {
  /** The upstream named in notices ("Battle.net", "WarcraftLogs"). */
  source: string;
  /** A fetched row holds what its presenter needs (an item level, a zone); not-found and never-fetched rows never do. */
  isComplete: (row: Row) => boolean;
  /** How the 503 says what is missing ("Character data is not available"); the reader adds which upstream is down. */
  notAvailable: string;
  notFound: () => AppError;
  /** Completion events of the refresh jobs' queue. */
  events: QueueEvents;
  /** The queue priority of a refresh someone is waiting on (lower is sooner in BullMQ); unset for a queue with no background work to overtake. */
  readerPriority?: number;
}

export interface ReaderDeps {
  /**
   * The same windows for every projection: a row is fresh for CHARACTER_CACHE_TTL, an upstream "not found" is
   * believed for NOT_FOUND_CACHE_TTL, and a reader waits at most CHARACTER_WAIT_MS on a miss before a 202.
   */
  config: Pick<Config, 'characterCacheTtl' | 'notFoundCacheTtl' | 'characterWaitMs'>;
  /** The request connection: while it is down nothing can be enqueued, so nothing is waited for. */
  redis: RedisClient;
  logger: Logger;
  /** Business time: how old a row is, how long a not-found is believed. */
  clock: Clock;
}

/**
 * The one refresh-on-miss flow of the api: projection row → enqueue and wait a bounded time → 200 (the row,
 * for the caller's presenter; a service may keep presented bodies in its response cache in front of this), 202 (still running), 404 (the upstream does not know it) or 503 (the upstream is
 * down and nothing good is stored). Stale rows are served at once while a refresh runs in the background.
 * Not-found has one mechanism: the worker stores a `not_found` row, which is believed for `notFoundForSeconds`.
 */
export class RefreshOnMissReader<Row extends ProjectionRow> {
  private readonly misses = new SingleFlight<WaitOutcome>();

  constructor(
    private readonly deps: ReaderDeps,
    private readonly policy: ReaderPolicy<Row>,
  ) {}

  /** The upstream is down and nothing good is stored: come back in half a minute. */
  private unavailable(): AppError {
    const { notAvailable, source } = this.policy;
    return serviceUnavailable('upstream_unavailable', `${notAvailable}: ${source} could not be reached`, 30);
  }

  /** The row holds data worth serving, not only a failure or a not-found marker. */
  private hasData(row: Row): boolean {
    return row.fetchStatus !== 'not_found' && row.fetchedAt !== null && this.policy.isComplete(row);
  }

  private now(): number {
    return this.deps.clock.now().getTime();
  }

  /**
   * `preloaded` is the row when the caller had to read it already (to check who may see it), so it is not
   * read twice.
   */
  async read(target: ReadTarget<Row>, preloaded?: { row: Row | undefined }): Promise<ReadOutcome<Row>> {
    return this.serve(target, preloaded ? preloaded.row : await this.load(target), true);
  }

  /**
   * For lists that show every row as it is (unknown rows included) and never wait: whether the row holds data,
   * whether the upstream is known not to have it, how fresh it is, and a background refresh when it is missing
   * or expired. A known not-found is left alone until its window has passed.
   */
  glance(row: Row | undefined, enqueue: (reason: RefreshReason) => Promise<Job>): { known: boolean; missing: boolean; fresh: Freshness } {
    const canRefresh = this.canRefresh();
    const known = row !== undefined && this.hasData(row);
    const fresh = freshnessOf(row ?? { fetchedAt: null, lastErrorAt: null }, this.deps.config.characterCacheTtl, this.policy.source, canRefresh, this.now());
    const isMissing = row !== undefined && this.isKnownMissing(row);
    if (canRefresh && !isMissing && (!known || fresh.isExpired)) this.inBackground(enqueue, known ? 'stale' : 'miss');
    return { known, missing: isMissing, fresh };
  }

  /** Asks for a refresh without waiting for it; a failure to enqueue is logged, never thrown at the reader. */
  inBackground(enqueue: (reason: RefreshReason) => Promise<Job>, reason: RefreshReason): void {
    enqueue(reason).catch((err: Error) => this.deps.logger.warn({ err: err.message, source: this.policy.source }, 'could not enqueue a refresh'));
  }

  private load(target: ReadTarget<Row>): Promise<Row | undefined> {
    return fromDatabase(this.deps.logger, target.read);
  }

  private canRefresh(): boolean {
    return isRedisUp(this.deps.redis);
  }

  private async serve(target: ReadTarget<Row>, row: Row | undefined, mayWait: boolean): Promise<ReadOutcome<Row>> {
    const { policy } = this;
    const canRefresh = this.canRefresh();
    if (row && this.isKnownMissing(row)) throw policy.notFound();
    if (row && this.hasData(row)) {
      const fresh = freshnessOf(row, this.deps.config.characterCacheTtl, policy.source, canRefresh, this.now());
      if (fresh.isExpired && canRefresh) this.inBackground(target.enqueue, 'stale');
      return { kind: 'row', row, fresh };
    }
    if (!canRefresh) throw this.unavailable();
    if (row?.fetchStatus === 'error') {
      // Nothing good stored and the last fetch failed: answer now rather than wait on an upstream that is down.
      this.inBackground(target.enqueue, 'miss');
      throw this.unavailable();
    }
    if (!mayWait) return { kind: 'pending' };
    const outcome = await this.misses.run(target.key, () => refreshAndWait(() => this.enqueueFirst(target), policy.events, this.deps.config.characterWaitMs));
    if (outcome === 'not_found') throw policy.notFound();
    if (outcome === 'unavailable') throw this.unavailable();
    // Done, failed or timed out: the row now says which (data, an error, or nothing yet → 202).
    return this.serve(target, await this.load(target), false);
  }

  /**
   * Readers first: a person is waiting, so the refresh goes ahead of background work. When the queue's
   * deduplication hands back a job already waiting at background priority (a guild's fan-out), that job is
   * promoted rather than a second one added, so the thing is still fetched once. A job already running keeps
   * running; one that just finished cannot be promoted, and the wait sees its result anyway.
   */
  private async enqueueFirst(target: ReadTarget<Row>): Promise<Job> {
    const job = await target.enqueue('miss');
    const priority = this.policy.readerPriority;
    if (priority !== undefined) await job.changePriority({ priority }).catch(() => undefined);
    return job;
  }

  /** The upstream said it does not know this, recently enough to believe it still. */
  private isKnownMissing(row: Row): boolean {
    return isKnownMissing(row, this.deps.config.notFoundCacheTtl, this.now());
  }
}
