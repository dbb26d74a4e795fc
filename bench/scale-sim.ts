import { loadConfig, type Config } from '../src/config.js';
import { REQUESTS_PER_REFRESH } from '../src/worker/processors/character-refresh.js';
import { FreshnessIndex, isGuildActive } from '../src/worker/freshness/policy.js';
import { freshnessSettings, RefreshCost, refreshesPerTick } from '../src/worker/freshness/settings.js';
import { seeded } from './stats.js';

/**
 * The scale simulation: one Battle.net client's quota against thousands of guilds over a simulated week, for
 * today's policy ("everything hourly") and the freshness scheduler (the real `FreshnessIndex` with the settings
 * the configuration gives). Time is simulated second by second, so a week takes seconds of CPU, not a week.
 *
 * What is modelled, the same for both policies:
 * - Battle.net: a character refresh asks for the profile with If-Modified-Since and for the equipment only when the
 *   profile changed, so it costs one request when the character did not play since its last fetch and
 *   REQUESTS_PER_REFRESH otherwise; a roster read costs one; Battle.net refuses
 *   more than `perSecond` requests in a second or `perHour` in any rolling hour (counted, and checked to be 0).
 * - The quota gate in front of it, as `RedisQuotaGate` computes it: a token bucket holding `burstShare` of the
 *   hour's budget (less headroom), refilled evenly with the rest, and `perSecond` less headroom per second.
 * - Play: a character changes only while its player plays (see `buildPlay`): raiders on most of their guild's raid
 *   nights, everyone on some evenings and after the weekly reset.
 * - The worker: refreshes someone waits for first, then roster syncs, then background refreshes, each
 *   deduplicated per character while it waits; a refresh lands in the second it is admitted.
 * - The api: a read of data older than CHARACTER_CACHE_TTL is served stale and enqueues a background refresh.
 *   A guild read takes guild-api's snapshot when the last one is a minute old.
 * - Today's policy: every tracked guild synced at each hour, each sync refreshing every member past the TTL, and
 *   every snapshot enqueueing a sync.
 * - The scheduler: the periodic sync covers active guilds only and refreshes members never fetched or past
 *   FRESHNESS_MAX_AGE; a snapshot syncs only a guild whose last sync is GUILD_SYNC_INTERVAL old; every
 *   FRESHNESS_TICK the index picks with the tick's budget less the refreshes still waiting; reads and openings
 *   reach it at the next tick (the api's flush, then the worker's catch-up), an overview as an opening; the tick's
 *   budget is divided by the measured requests per refresh (`RefreshCost`), as the worker does.
 *
 * Reads: each session is in a guild drawn by Zipf popularity among the guilds people still open. Each guild raids
 * two or three evenings a week (Tue/Wed/Thu/Sun/Mon, three hours from 19:00-21:00 UTC); 70 % of its sessions fall
 * between an hour before and the end of one of its raids, the rest follow the hour of the day (evenings high,
 * the weekly reset on Tuesday 15:00 UTC busy). A session is an officer's overview (each raider listed counts as
 * one read), a character view (a member drawn by Zipf, raiders first) or "my characters" (one to three
 * characters of one player).
 */

export interface ScaleOptions {
  guilds: number;
  characters: number;
  /** Measured days. */
  days: number;
  /** Days simulated before them and not counted: a week lets the weekly rhythm of raid nights be seen once. */
  warmupDays: number;
  /** Reading sessions per measured day, on average. */
  sessionsPerDay: number;
  /** Share of guilds nobody opens any more (last opened a month before the start). */
  dormantShare: number;
  seed: number;
  /** Environment overrides of the service's configuration (the scheduler's settings, the quota). */
  env?: Record<string, string>;
}

/**
 * The full run: 2,000 guilds and 100,000 characters for a measured week, with the settings README recommends
 * at that size (a smaller burst share, so the gate admits most of the hour steadily; members of active guilds
 * daily and none older than three days; nearly all of the quota to the scheduler).
 */
export const FULL_RUN: ScaleOptions = {
  guilds: 2000,
  characters: 100_000,
  days: 7,
  warmupDays: 7,
  sessionsPerDay: 40_000,
  dormantShare: 0.25,
  seed: 20261201,
  env: {
    BLIZZARD_QUOTA_BURST_SHARE: '0.1',
    FRESHNESS_MEMBER_INTERVAL: '86400',
    FRESHNESS_MAX_AGE: '259200',
    FRESHNESS_BUDGET_SHARE: '0.95',
  },
};

export interface PolicyResult {
  policy: 'hourly' | 'scheduler';
  reads: number;
  age_at_read_s: { p50: number; p95: number; p99: number; max: number };
  /** Share of reads that found data within CHARACTER_CACHE_TTL. */
  reads_within_ttl: number;
  requests_total: number;
  requests_per_hour_max: number;
  requests_rolling_hour_max: number;
  requests_per_second_max: number;
  hours_over_quota: number;
  seconds_over_quota: number;
  character_refreshes: number;
  roster_syncs: number;
  /** Share of character refreshes whose profile answered 304 (one request instead of two). */
  refreshes_not_modified_share: number;
  /** Character refreshes over the measured days, and the Battle.net requests they made. */
  refreshes_measured: number;
  requests_on_refreshes: number;
  /** Requests spent refreshing characters that no one read during the measured days. */
  requests_on_unread_characters: number;
  /** Character refreshes per hour over the measured days, on average, and those on characters someone read. */
  refreshes_per_hour: number;
  refreshes_per_hour_on_read_characters: number;
  /** The oldest data of a character whose guild is active, over the measured days (seconds). */
  oldest_active_character_s: number;
  /** Characters read at least once during the measured days. */
  characters_read: number;
  /** Per kind of read: how many, and the share within CHARACTER_CACHE_TTL. */
  reads_by_kind: Record<ReadKind, { reads: number; within_ttl: number; p95_s: number }>;
}

export interface ScaleResult {
  options: ScaleOptions;
  settings: {
    quota_burst_share: number;
    character_cache_ttl_s: number;
    member_interval_s: number;
    max_age_s: number;
    demand_window_s: number;
    overview_window_s: number;
    retirement_days: number;
    budget_share: number;
    guild_sync_interval_s: number;
    quota_per_hour: number;
    quota_per_second: number;
  };
  world: { guilds: number; dormant_guilds: number; characters: number; raiders: number; sessions: number; play_sessions: number };
  policies: PolicyResult[];
  elapsed_ms: number;
}


/** Cumulative weights for drawing index i with weight 1/(i+1)^s. */
function zipfTable(n: number, s: number): Float64Array {
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i += 1) {
    sum += 1 / (i + 1) ** s;
    cdf[i] = sum;
  }
  for (let i = 0; i < n; i += 1) cdf[i] = cdf[i]! / sum;
  return cdf;
}

function draw(cdf: Float64Array, u: number): number {
  let lo = 0;
  let hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cdf[mid]! < u) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const DAY_S = 86_400;
/** The simulation starts on a Monday at 00:00 UTC; the US weekly reset is Tuesday 15:00 UTC. */
const START_MS = Date.UTC(2026, 10, 30);

/** Relative read rate at a second of the week (day 0 is Monday). */
function readRate(second: number): number {
  const day = Math.floor(second / DAY_S) % 7;
  const hour = (second % DAY_S) / 3600;
  const raidNight = day === 1 || day === 2 || day === 3 || day === 6;
  let rate: number;
  if (hour < 6) rate = 0.25;
  else if (hour < 12) rate = 0.4;
  else if (hour < 18) rate = 0.9;
  else if (hour < 23) rate = raidNight ? 3.2 : 1.6;
  else rate = 0.8;
  // After the weekly reset people look at their vault and the new week's target.
  if (day === 1 && hour >= 15 && hour < 18) rate *= 2;
  return rate;
}

interface World {
  guildOf: Int32Array;
  raider: Uint8Array;
  /** Members of each guild, raiders first, each list ordered by popularity. */
  members: Int32Array[];
  raiders: Int32Array[];
  dormant: Uint8Array;
  /** Guilds people still open, by popularity (most opened first). */
  openOrder: Int32Array;
  /** Last opening before the start (ms). */
  openedBefore: Float64Array;
  /** Each character's data age at the start (s). */
  initialAge: Float64Array;
}

/** Each character's play sessions (seconds since the start), sorted: those of c are [offsets[c], offsets[c + 1]). */
interface Play {
  offsets: Int32Array;
  starts: Float64Array;
  ends: Float64Array;
}

/** Guilds' raid nights: days of the week (0 Sunday) and the hour (UTC) the raid starts; it lasts three hours. */
type RaidNights = Map<number, { days: number[]; startHour: number }>;

/**
 * When each character is played, which is when its profile (login time, gear) changes:
 * - a raider plays on each of its guild's raid nights with probability 0.85, from half an hour before the raid
 *   to half an hour after it;
 * - every character plays on any other evening with probability 0.3 for a raider and 0.15 for anyone else
 *   (socials and alts), starting between 17:00 and 23:00 UTC for one to four hours;
 * - after the weekly reset (Tuesday 15:00 UTC) a raider logs in with probability 0.6 and anyone else 0.3,
 *   for up to an hour, to open the vault.
 * Members of guilds nobody opens any more play as others do (a guild's page not being read says nothing of its
 * players), without raid nights.
 */
function buildPlay(o: ScaleOptions, world: World, raidNights: RaidNights, random: () => number, totalSeconds: number): Play {
  const days = Math.ceil(totalSeconds / DAY_S);
  const offsets = new Int32Array(o.characters + 1);
  const starts: number[] = [];
  const ends: number[] = [];
  for (let c = 0; c < o.characters; c += 1) {
    offsets[c] = starts.length;
    const raider = world.raider[c] === 1;
    const nights = raider ? raidNights.get(world.guildOf[c]!) : undefined;
    for (let d = 0; d < days; d += 1) {
      // Day 0 of the simulation is a Monday; getUTCDay numbering (0 Sunday).
      const weekday = (d + 1) % 7;
      const base = d * DAY_S;
      if (weekday === 2 && random() < (raider ? 0.6 : 0.3)) {
        const start = base + 15 * 3600 + random() * 3 * 3600;
        starts.push(start);
        ends.push(start + random() * 3600);
      }
      if (nights?.days.includes(weekday)) {
        if (random() < 0.85) {
          starts.push(base + (nights.startHour - 0.5) * 3600);
          ends.push(base + (nights.startHour + 3.5) * 3600);
        }
      } else if (random() < (raider ? 0.3 : 0.15)) {
        const start = base + (17 + random() * 6) * 3600;
        starts.push(start);
        ends.push(start + (1 + random() * 3) * 3600);
      }
    }
  }
  offsets[o.characters] = starts.length;
  // Sessions of one character may overlap (the reset and an evening); sorted by start, the check below only needs
  // the ends to be sorted too, which merging does.
  const outStarts: number[] = [];
  const outEnds: number[] = [];
  const outOffsets = new Int32Array(o.characters + 1);
  for (let c = 0; c < o.characters; c += 1) {
    outOffsets[c] = outStarts.length;
    const list: Array<[number, number]> = [];
    for (let i = offsets[c]!; i < offsets[c + 1]!; i += 1) list.push([starts[i]!, ends[i]!]);
    list.sort((a, b) => a[0] - b[0]);
    for (const [a, b] of list) {
      const last = outStarts.length - 1;
      if (last >= outOffsets[c]! && a <= outEnds[last]!) outEnds[last] = Math.max(outEnds[last]!, b);
      else {
        outStarts.push(a);
        outEnds.push(b);
      }
    }
  }
  outOffsets[o.characters] = outStarts.length;
  return { offsets: outOffsets, starts: Float64Array.from(outStarts), ends: Float64Array.from(outEnds) };
}

function buildWorld(o: ScaleOptions, random: () => number): World {
  const weights = Array.from({ length: o.guilds }, () => 0.2 + random() ** 3 * 4);
  const total = weights.reduce((a, b) => a + b, 0);
  const sizes = weights.map((w) => Math.max(5, Math.floor((w / total) * o.characters)));
  let assigned = sizes.reduce((a, b) => a + b, 0);
  for (let g = 0; assigned < o.characters; g = (g + 1) % o.guilds, assigned += 1) sizes[g]! += 1;
  for (let g = 0; assigned > o.characters; g = (g + 1) % o.guilds) if (sizes[g]! > 5) (sizes[g]! -= 1, (assigned -= 1));
  const guildOf = new Int32Array(o.characters);
  const raider = new Uint8Array(o.characters);
  const members: Int32Array[] = [];
  const raiders: Int32Array[] = [];
  let next = 0;
  for (let g = 0; g < o.guilds; g += 1) {
    const size = sizes[g]!;
    const ids = new Int32Array(size);
    // About a third raid (at least 5, at most 30); the rest are socials and alts.
    const raiderCount = Math.min(size, Math.max(5, Math.min(30, Math.round(size * 0.35))));
    for (let i = 0; i < size; i += 1) {
      ids[i] = next;
      guildOf[next] = g;
      if (i < raiderCount) raider[next] = 1;
      next += 1;
    }
    members.push(ids);
    raiders.push(ids.subarray(0, raiderCount));
  }
  const dormant = new Uint8Array(o.guilds);
  const order = Array.from({ length: o.guilds }, (_, g) => g);
  for (let i = order.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const dormantCount = Math.floor(o.guilds * o.dormantShare);
  // The least popular guilds are the dormant ones.
  for (let i = o.guilds - dormantCount; i < o.guilds; i += 1) dormant[order[i]!] = 1;
  const openOrder = Int32Array.from(order.slice(0, o.guilds - dormantCount));
  const openedBefore = new Float64Array(o.guilds);
  for (let g = 0; g < o.guilds; g += 1) openedBefore[g] = START_MS - (dormant[g] ? 30 * DAY_S : random() * 3 * DAY_S) * 1000;
  const initialAge = new Float64Array(o.characters);
  for (let c = 0; c < o.characters; c += 1) initialAge[c] = random() * DAY_S;
  return { guildOf, raider, members, raiders, dormant, openOrder, openedBefore, initialAge };
}

type ReadKind = 'overview' | 'view' | 'mine';
interface Session {
  second: number;
  guild: number;
  kind: ReadKind;
  characters: number[];
}

function buildSessions(o: ScaleOptions, world: World, random: () => number, totalSeconds: number): { sessions: Session[]; raidNights: RaidNights } {
  const guildCount = world.openOrder.length;
  const guildCdf = zipfTable(guildCount, 1.0);
  const memberCdfs = new Map<number, Float64Array>();
  const memberCdf = (n: number) => {
    let cdf = memberCdfs.get(n);
    if (!cdf) memberCdfs.set(n, (cdf = zipfTable(n, 1.1)));
    return cdf;
  };
  // Each guild raids two or three evenings a week, three hours from 19:00, 20:00 or 21:00 UTC.
  const RAID_DAYS = [1, 2, 3, 6, 0]; // Tue, Wed, Thu, Sun, Mon
  const raidNights: RaidNights = new Map();
  for (const g of world.openOrder) {
    const nights = 2 + (random() < 0.5 ? 1 : 0);
    const days = [...RAID_DAYS].sort(() => random() - 0.5).slice(0, nights);
    raidNights.set(g, { days, startHour: 19 + Math.floor(random() * 3) });
  }
  let maxRate = 0;
  for (let s = 0; s < 7 * DAY_S; s += 600) maxRate = Math.max(maxRate, readRate(s));
  /** A second drawn from the diurnal read rate (evenings, raid nights, the reset). */
  const anyTime = (): number => {
    for (;;) {
      const second = Math.floor(random() * totalSeconds);
      if (random() * maxRate <= readRate(second)) return second;
    }
  };
  /** A second around one of the guild's raid nights: from an hour before the raid to its end. */
  const raidTime = (g: number): number => {
    const { days, startHour } = raidNights.get(g)!;
    const weeks = Math.ceil(totalSeconds / (7 * DAY_S));
    // A run shorter than a week may hold none of the guild's raid nights.
    for (let tries = 0; tries < 20; tries += 1) {
      const week = Math.floor(random() * weeks);
      const day = days[Math.floor(random() * days.length)]!;
      // Day 0 of the simulation is a Monday.
      const dayIndex = week * 7 + ((day + 6) % 7);
      const second = dayIndex * DAY_S + (startHour - 1) * 3600 + Math.floor(random() * 4 * 3600);
      if (second < totalSeconds) return second;
    }
    return anyTime();
  };
  const total = Math.round((o.sessionsPerDay * totalSeconds) / DAY_S);
  const sessions: Session[] = [];
  for (let i = 0; i < total; i += 1) {
    const guild = world.openOrder[draw(guildCdf, random())]!;
    // Most reading happens around the guild's own raid nights; the rest follows the day.
    const second = random() < 0.7 ? raidTime(guild) : anyTime();
    const u = random();
    const kind: ReadKind = u < 0.3 ? 'overview' : u < 0.85 ? 'view' : 'mine';
    const members = world.members[guild]!;
    let characters: number[];
    if (kind === 'overview') characters = Array.from(world.raiders[guild]!);
    else if (kind === 'view') characters = [members[draw(memberCdf(members.length), random())]!];
    else {
      const first = draw(memberCdf(members.length), random());
      const count = 1 + Math.floor(random() * 3);
      characters = Array.from({ length: Math.min(count, members.length - first) }, (_, k) => members[first + k]!);
    }
    sessions.push({ second, guild, kind, characters });
  }
  return { sessions: sessions.sort((a, b) => a.second - b.second), raidNights };
}

/** The quota gate of one client, computed as RedisQuotaGate does, at one-second granularity. */
class Gate {
  private tokens: number;
  private readonly capacity: number;
  private readonly refillPerSecond: number;
  readonly perSecond: number;

  constructor(config: Config) {
    const keep = 1 - config.blizzard.quotaHeadroom;
    const hourBudget = config.blizzard.quotaPerHour * keep;
    this.capacity = Math.max(1, Math.floor(hourBudget * config.blizzard.quotaBurstShare));
    this.refillPerSecond = (hourBudget * (1 - config.blizzard.quotaBurstShare)) / 3600;
    this.perSecond = Math.max(1, Math.floor(config.blizzard.quotaPerSecond * keep));
    this.tokens = this.capacity;
  }

  /** Requests admitted this second, at most `wanted`. */
  refill(): void {
    this.tokens = Math.min(this.capacity, this.tokens + this.refillPerSecond);
  }

  available(usedThisSecond: number): number {
    return Math.max(0, Math.min(this.perSecond - usedThisSecond, Math.floor(this.tokens)));
  }

  take(n: number): void {
    this.tokens -= n;
  }
}

/** A FIFO of character ids with O(1) push and shift. */
class Fifo {
  private items: number[] = [];
  private head = 0;
  get length(): number {
    return this.items.length - this.head;
  }
  push(x: number): void {
    this.items.push(x);
  }
  shift(): number | undefined {
    if (this.head >= this.items.length) return undefined;
    const x = this.items[this.head++]!;
    if (this.head > 65_536 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return x;
  }
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

function runPolicy(policy: 'hourly' | 'scheduler', o: ScaleOptions, config: Config, world: World, sessions: Session[], play: Play): PolicyResult {
  const settings = freshnessSettings(config);
  const ttlS = config.characterCacheTtl;
  const warmupS = o.warmupDays * DAY_S;
  const totalS = warmupS + o.days * DAY_S;
  const syncIntervalS = config.guildSyncInterval;
  const maxAgeS = config.freshness.maxAgeSeconds;
  const retirementMs = settings.retirementMs;
  const gate = new Gate(config);
  const fetchedAt = new Float64Array(o.characters); // seconds since start; may be negative
  for (let c = 0; c < o.characters; c += 1) fetchedAt[c] = -world.initialAge[c]!;
  const queued = new Uint8Array(o.characters); // 1 background, 2 reader
  const readerQ = new Fifo();
  const backgroundQ = new Fifo();
  const syncQ = new Fifo();
  const syncQueued = new Uint8Array(o.guilds);
  const lastSynced = new Float64Array(o.guilds).fill(-Infinity);
  const lastSnapshot = new Float64Array(o.guilds).fill(-Infinity);
  const openedAt = Float64Array.from(world.openedBefore); // ms
  const refreshes = new Uint32Array(o.characters);
  const refreshRequests = new Uint32Array(o.characters);
  // The first play session of each character that may still end after its last fetch.
  const playCursor = Int32Array.from(play.offsets.subarray(0, o.characters));
  /** Whether the character played (so its profile changed) after `since` and up to `until`. */
  const changedSince = (c: number, since: number, until: number): boolean => {
    const last = play.offsets[c + 1]!;
    let i = playCursor[c]!;
    while (i < last && play.ends[i]! <= since) i += 1;
    playCursor[c] = i;
    return i < last && play.starts[i]! <= until;
  };
  const cost = new RefreshCost(REQUESTS_PER_REFRESH);
  let tickRefreshes = 0;
  let tickRequests = 0;
  let measuredNotModified = 0;
  const read = new Uint8Array(o.characters);
  const perSecond = new Uint16Array(totalS);
  const ages: number[] = [];
  const agesByKind: Record<ReadKind, number[]> = { overview: [], view: [], mine: [] };
  let withinTtl = 0;
  let characterRefreshes = 0;
  let rosterSyncs = 0;
  let oldestActive = 0;

  const index = policy === 'scheduler' ? new FreshnessIndex<number>(settings) : undefined;
  const nowMs = (s: number) => START_MS + s * 1000;
  if (index) {
    for (let g = 0; g < o.guilds; g += 1) index.setGuild(g, openedAt[g]!, null);
    for (let c = 0; c < o.characters; c += 1) {
      index.setMembership(c, world.guildOf[c]!, world.raider[c] === 1, nowMs(0));
      index.characterFetched(c, nowMs(fetchedAt[c]!), nowMs(0));
    }
  }
  const pendingReads: Array<{ c: number; at: number }> = [];
  const pendingOpens: Array<{ g: number; at: number; overview: boolean }> = [];
  let carry = 0;
  const tickS = config.freshness.tickSeconds;

  const enqueue = (c: number, reader: boolean) => {
    if (queued[c] === 2 || (queued[c] === 1 && !reader)) return;
    if (reader) {
      // Promoted, as the api does with a job already waiting at background priority.
      queued[c] = 2;
      readerQ.push(c);
    } else {
      queued[c] = 1;
      backgroundQ.push(c);
    }
  };
  const enqueueSync = (g: number) => {
    if (syncQueued[g]) return;
    syncQueued[g] = 1;
    syncQ.push(g);
  };
  const isActive = (g: number, s: number) => isGuildActive(openedAt[g]!, nowMs(s), retirementMs);

  let sessionIndex = 0;
  for (let s = 0; s < totalS; s += 1) {
    const measuring = s >= warmupS;
    // Reads of this second.
    while (sessionIndex < sessions.length && sessions[sessionIndex]!.second === s) {
      const session = sessions[sessionIndex++]!;
      const g = session.guild;
      openedAt[g] = nowMs(s);
      if (index) pendingOpens.push({ g, at: nowMs(s), overview: session.kind === 'overview' });
      // guild-api's snapshot, retaken when a minute old.
      if (s - lastSnapshot[g]! >= 60) {
        lastSnapshot[g] = s;
        if (policy === 'hourly' || s - lastSynced[g]! >= syncIntervalS) enqueueSync(g);
      }
      for (const c of session.characters) {
        const age = s - fetchedAt[c]!;
        if (measuring) {
          ages.push(age);
          agesByKind[session.kind].push(age);
          if (age <= ttlS) withinTtl += 1;
          read[c] = 1;
        }
        if (age > ttlS) enqueue(c, false);
        if (index && session.kind !== 'overview') pendingReads.push({ c, at: nowMs(s) });
      }
    }

    // The periodic sync, at each hour.
    if (s % syncIntervalS === 0) {
      for (let g = 0; g < o.guilds; g += 1) if (policy === 'hourly' || isActive(g, s)) enqueueSync(g);
    }

    // The scheduler's tick: demand flushed a second before, then the pick.
    if (index && s % tickS === 0) {
      const now = nowMs(s);
      for (const r of pendingReads) index.characterRead(r.c, r.at, now);
      for (const op of pendingOpens) index.guildOpened(op.g, op.at, now, op.overview);
      pendingReads.length = 0;
      pendingOpens.length = 0;
      cost.observe(tickRefreshes, tickRequests);
      tickRefreshes = 0;
      tickRequests = 0;
      const share = refreshesPerTick(config, cost.requestsPerRefresh) + carry;
      const whole = Math.floor(share);
      carry = share - whole;
      const budget = Math.max(0, whole - backgroundQ.length - readerQ.length);
      for (const p of index.pick(now, budget)) enqueue(p.id, p.reason === 'waiting');
    }

    // The worker, through the gate.
    gate.refill();
    let used = 0;
    const refresh = (c: number) => {
      // Admitted with room for both requests; a 304 profile makes it one.
      const n = changedSince(c, fetchedAt[c]!, s) ? REQUESTS_PER_REFRESH : 1;
      gate.take(n);
      used += n;
      tickRefreshes += 1;
      tickRequests += n;
      queued[c] = 0;
      fetchedAt[c] = s;
      characterRefreshes += 1;
      if (measuring) {
        refreshes[c]! += 1;
        refreshRequests[c]! += n;
        if (n === 1) measuredNotModified += 1;
      }
      index?.characterFetched(c, nowMs(s), nowMs(s));
    };
    while (readerQ.length > 0 && gate.available(used) >= REQUESTS_PER_REFRESH) {
      const c = readerQ.shift()!;
      if (queued[c] === 2) refresh(c);
    }
    while (syncQ.length > 0 && gate.available(used) >= 1) {
      const g = syncQ.shift()!;
      syncQueued[g] = 0;
      gate.take(1);
      used += 1;
      rosterSyncs += 1;
      lastSynced[g] = s;
      const ageLimit = policy === 'hourly' ? ttlS : maxAgeS;
      for (const c of world.members[g]!) if (s - fetchedAt[c]! > ageLimit) enqueue(c, false);
    }
    while (backgroundQ.length > 0 && gate.available(used) >= REQUESTS_PER_REFRESH) {
      const c = backgroundQ.shift()!;
      if (queued[c] === 1) refresh(c);
    }
    perSecond[s] = used;

    if (measuring && s % 600 === 0) {
      for (let c = 0; c < o.characters; c += 1) {
        const age = s - fetchedAt[c]!;
        if (age > oldestActive && isActive(world.guildOf[c]!, s)) oldestActive = age;
      }
    }
  }

  // Figures over the measured days.
  let perHourMax = 0;
  let rollingMax = 0;
  let hoursOver = 0;
  let secondsOver = 0;
  let perSecondMax = 0;
  let window = 0;
  let total = 0;
  for (let s = warmupS; s < totalS; s += 1) {
    const n = perSecond[s]!;
    total += n;
    perSecondMax = Math.max(perSecondMax, n);
    if (n > config.blizzard.quotaPerSecond) secondsOver += 1;
    window += n;
    if (s - 3600 >= warmupS) window -= perSecond[s - 3600]!;
    if (s - 3600 + 1 >= warmupS && window > config.blizzard.quotaPerHour) hoursOver += 1;
    rollingMax = Math.max(rollingMax, window);
    if ((s - warmupS) % 3600 === 3599) {
      let hour = 0;
      for (let t = s - 3599; t <= s; t += 1) hour += perSecond[t]!;
      perHourMax = Math.max(perHourMax, hour);
    }
  }
  let unreadRequests = 0;
  let unreadRefreshes = 0;
  let charactersRead = 0;
  let measuredRefreshes = 0;
  let measuredRefreshRequests = 0;
  for (let c = 0; c < o.characters; c += 1) {
    measuredRefreshes += refreshes[c]!;
    measuredRefreshRequests += refreshRequests[c]!;
    if (read[c]) charactersRead += 1;
    else {
      unreadRequests += refreshRequests[c]!;
      unreadRefreshes += refreshes[c]!;
    }
  }
  const sorted = Float64Array.from(ages).sort();
  return {
    policy,
    reads: ages.length,
    age_at_read_s: {
      p50: percentile(sorted, 0.5),
      p95: percentile(sorted, 0.95),
      p99: percentile(sorted, 0.99),
      max: sorted.length ? sorted[sorted.length - 1]! : 0,
    },
    reads_within_ttl: ages.length ? Number((withinTtl / ages.length).toFixed(4)) : 1,
    requests_total: total,
    requests_per_hour_max: perHourMax,
    requests_rolling_hour_max: rollingMax,
    requests_per_second_max: perSecondMax,
    hours_over_quota: hoursOver,
    seconds_over_quota: secondsOver,
    character_refreshes: characterRefreshes,
    roster_syncs: rosterSyncs,
    refreshes_not_modified_share: measuredRefreshes ? Number((measuredNotModified / measuredRefreshes).toFixed(4)) : 0,
    refreshes_measured: measuredRefreshes,
    requests_on_refreshes: measuredRefreshRequests,
    requests_on_unread_characters: unreadRequests,
    refreshes_per_hour: Math.round(measuredRefreshes / (o.days * 24)),
    refreshes_per_hour_on_read_characters: Math.round((measuredRefreshes - unreadRefreshes) / (o.days * 24)),
    oldest_active_character_s: oldestActive,
    characters_read: charactersRead,
    reads_by_kind: Object.fromEntries(
      (Object.entries(agesByKind) as Array<[ReadKind, number[]]>).map(([kind, list]) => {
        const kindSorted = Float64Array.from(list).sort();
        const within = list.filter((a) => a <= ttlS).length;
        return [kind, { reads: list.length, within_ttl: list.length ? Number((within / list.length).toFixed(4)) : 1, p95_s: percentile(kindSorted, 0.95) }];
      }),
    ) as PolicyResult['reads_by_kind'],
  };
}

export function runScaleSimulation(o: ScaleOptions): ScaleResult {
  const started = performance.now();
  const config = loadConfig({ NODE_ENV: 'development', ...o.env }, 'worker');
  const random = seeded(o.seed);
  const world = buildWorld(o, random);
  const totalS = (o.warmupDays + o.days) * DAY_S;
  const { sessions, raidNights } = buildSessions(o, world, random, totalS);
  // Play is drawn from a generator of its own, so the reads are the same with or without it.
  const play = buildPlay(o, world, raidNights, seeded(o.seed + 1), totalS);
  const policies = (['hourly', 'scheduler'] as const).map((p) => runPolicy(p, o, config, world, sessions, play));
  let raiders = 0;
  for (let c = 0; c < o.characters; c += 1) raiders += world.raider[c]!;
  return {
    options: o,
    settings: {
      quota_burst_share: config.blizzard.quotaBurstShare,
      character_cache_ttl_s: config.characterCacheTtl,
      member_interval_s: config.freshness.memberIntervalSeconds,
      max_age_s: config.freshness.maxAgeSeconds,
      demand_window_s: config.freshness.demandWindowSeconds,
      overview_window_s: config.freshness.overviewWindowSeconds,
      retirement_days: config.freshness.retirementDays,
      budget_share: config.freshness.budgetShare,
      guild_sync_interval_s: config.guildSyncInterval,
      quota_per_hour: config.blizzard.quotaPerHour,
      quota_per_second: config.blizzard.quotaPerSecond,
    },
    world: {
      guilds: o.guilds,
      dormant_guilds: world.dormant.reduce((a, b) => a + b, 0),
      characters: o.characters,
      raiders,
      sessions: sessions.filter((s) => s.second >= o.warmupDays * DAY_S).length,
      play_sessions: play.starts.length,
    },
    policies,
    elapsed_ms: Math.round(performance.now() - started),
  };
}
