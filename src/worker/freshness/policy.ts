import { MinHeap } from './heap.js';

/**
 * The freshness policy: which characters to refresh with the Battle.net budget of one tick. Pure and in memory
 * (no I/O, no clock of its own: every call is given `now`), so the worker's scheduler and the scale simulation
 * run the same code.
 *
 * Every character has a class, worked out from what is known about it at `now`:
 * - **hot**: read within `demandWindowMs`, or a raider of a guild whose overview was opened within
 *   `overviewWindowMs` or one week ago around this hour (raid nights recur weekly): refreshed before its data is
 *   `ttlMs` old (`leadMs` ahead, so a read between two ticks does not find it past the TTL);
 * - **member**: any other member of an active guild: refreshed every `memberIntervalMs`;
 * - **retired**: every guild it belongs to was last opened `retirementMs` ago or more, and it was not read within
 *   the demand window: never refreshed until a guild of its is opened or it is read.
 *
 * When the budget is short the order is: someone waiting on the character, then any active character about to
 * pass `maxAgeMs` (half-way between the member interval and the maximum age), then hot characters by how overdue
 * they are weighed by their demand (a character read often ranks as if due TTL·8/(1+weight) sooner than an
 * unread one), then members by how overdue they are.
 *
 * Due times are kept in min-heaps with lazy deletion (a version per character), so a tick costs O(k log n) for
 * the k characters that fall due, whatever the number of characters.
 */
export interface FreshnessSettings {
  /** CHARACTER_CACHE_TTL: read characters and raiders of opened guilds are kept within it. */
  ttlMs: number;
  /** Refreshes of hot characters start this long before their TTL ends. */
  leadMs: number;
  /** Other members of active guilds are refreshed this often. */
  memberIntervalMs: number;
  /** No character of an active guild grows older than this while the budget allows any refresh. */
  maxAgeMs: number;
  /** A read keeps a character hot this long. */
  demandWindowMs: number;
  /** An opened overview keeps the guild's raiders hot this long. */
  overviewWindowMs: number;
  /** A guild nobody opened for this long is retired. */
  retirementMs: number;
  /** A picked character is not picked again for this long unless its data arrives (its refresh is running). */
  retryMs: number;
  /** Battle.net's "not found" is believed this long. */
  notFoundMs: number;
  /** Demand weight halves over this long. */
  demandHalfLifeMs: number;
}

export type FreshnessClass = 'hot' | 'member' | 'retired';
export type PickReason = 'waiting' | 'max_age' | 'hot' | 'member';

export interface Pick<Id> {
  id: Id;
  reason: PickReason;
}

/** How far behind (in TTLs) an unread hot character ranks: a raider of an opened overview nobody read. */
export const HOT_RANK_SPREAD = 8;

/** The origin of demand scores: a read at `t` adds 2^((t - DEMAND_EPOCH) / halfLife), so old reads count less. */
export const DEMAND_EPOCH_MS = Date.UTC(2026, 0, 1);

/** What one read adds to a character's demand score at `at` (ms). Scores from different instants add up. */
export function demandIncrement(at: number, halfLifeMs: number): number {
  return 2 ** ((at - DEMAND_EPOCH_MS) / halfLifeMs);
}

/** A demand score as a number of reads weighted by age at `now`: one read at `now` weighs 1. */
export function demandWeight(score: number, now: number, halfLifeMs: number): number {
  return score === 0 ? 0 : score / demandIncrement(now, halfLifeMs);
}

/** A guild is active while it was opened less than the retirement period ago. */
export function isGuildActive(openedAt: number | null, now: number, retirementMs: number): boolean {
  return openedAt !== null && now - openedAt < retirementMs;
}

/** Active guilds whose last sync is at least `intervalMs` old (or that were never synced): their roster is due. */
export function guildsDueForSync<Id>(
  guilds: Iterable<{ id: Id; openedAt: number | null; lastSyncedAt: number | null }>,
  now: number,
  settings: { retirementMs: number; syncIntervalMs: number },
): Id[] {
  const due: Id[] = [];
  for (const g of guilds) {
    if (!isGuildActive(g.openedAt, now, settings.retirementMs)) continue;
    if (g.lastSyncedAt === null || now - g.lastSyncedAt >= settings.syncIntervalMs) due.push(g.id);
  }
  return due;
}

interface GuildState<Id> {
  openedAt: number | null;
  overviewAt: number | null;
  members: Set<Id>;
  /** The hours (ms / HOUR_MS) in which its overview was opened, over the last eight days. */
  overviewHours: Set<number>;
}

const HOUR_MS = 3600_000;
const WEEK_HOURS = 168;
/**
 * Raid nights recur weekly: a guild whose overview was opened in this hour or the next two one week ago is about
 * to be read again, so its raiders are hot now, before the first read of the evening.
 */
export const RHYTHM_LOOKAHEAD_HOURS = 2;

interface CharacterState<Id> {
  id: Id;
  fetchedAt: number | null;
  notFound: boolean;
  lastReadAt: number | null;
  /** Sum of demandIncrement over its reads. */
  demandScore: number;
  /** guild id → raider in that guild. */
  guilds: Map<number, boolean>;
  waiting: boolean;
  pickedAt: number | null;
  version: number;
  slot: 'idle' | 'due' | 'ready';
}

interface Entry<Id> {
  c: CharacterState<Id>;
  version: number;
}

export class FreshnessIndex<Id = number> {
  private readonly characters = new Map<Id, CharacterState<Id>>();
  private readonly guilds = new Map<number, GuildState<Id>>();
  private readonly due = new MinHeap<Entry<Id>>();
  private readonly hotReady = new MinHeap<Entry<Id>>();
  private readonly memberReady = new MinHeap<Entry<Id>>();
  private readonly urgent = new MinHeap<Entry<Id>>();
  private waitingQueue: Id[] = [];
  /** Guilds by the hour their overview was opened in, to turn their raiders hot a week later. */
  private readonly overviewsByHour = new Map<number, Set<number>>();
  private lastHour: number | null = null;

  constructor(readonly settings: FreshnessSettings) {
    if (settings.leadMs >= settings.ttlMs) throw new RangeError('the lead must be shorter than the TTL');
    if (settings.memberIntervalMs < settings.ttlMs) throw new RangeError('the member interval must be at least the TTL');
    if (settings.maxAgeMs < settings.memberIntervalMs) throw new RangeError('the maximum age must be at least the member interval');
  }

  get size(): number {
    return this.characters.size;
  }

  /** Every known character id. */
  ids(): IterableIterator<Id> {
    return this.characters.keys();
  }

  has(id: Id): boolean {
    return this.characters.has(id);
  }

  /** When the character's stored data was fetched, as the index knows it (null: never), undefined for a stranger. */
  fetchedAtOf(id: Id): number | null | undefined {
    return this.characters.get(id)?.fetchedAt;
  }

  // ---- what is known about guilds and characters ----

  /** Records that the guild was opened at `at` (any read); `overview` when its member list was shown. */
  guildOpened(guildId: number, at: number, now: number, overview = false): void {
    const g = this.guild(guildId);
    const wasActive = isGuildActive(g.openedAt, now, this.settings.retirementMs);
    if (g.openedAt === null || at > g.openedAt) g.openedAt = at;
    let raidersHot = false;
    if (overview && (g.overviewAt === null || at > g.overviewAt)) {
      raidersHot = g.overviewAt === null || now - g.overviewAt >= this.settings.overviewWindowMs;
      g.overviewAt = at;
      // The overview lists the raiders: each opening weighs as a read of each of them.
      const increment = demandIncrement(at, this.settings.demandHalfLifeMs);
      for (const id of g.members) {
        const c = this.characters.get(id)!;
        if (c.guilds.get(guildId)) c.demandScore += increment;
      }
    }
    if (overview) this.noteOverviewHour(guildId, g, at);
    if (wasActive && !raidersHot) return;
    // Coming back from retirement, or raiders turning hot: their due times move earlier.
    for (const id of g.members) {
      const c = this.characters.get(id)!;
      if (!wasActive || c.guilds.get(guildId)) this.schedule(c, now);
    }
  }

  /** The last instants the guild was opened and its overview shown (as stored), replacing what is known. */
  setGuild(guildId: number, openedAt: number | null, overviewAt: number | null): void {
    const g = this.guild(guildId);
    g.openedAt = openedAt;
    g.overviewAt = overviewAt;
  }

  /** The hours each guild's overview was opened in (kept across a rebuild of the index). */
  overviewHistory(): Map<number, number[]> {
    const history = new Map<number, number[]>();
    for (const [guildId, g] of this.guilds) if (g.overviewHours.size) history.set(guildId, [...g.overviewHours]);
    return history;
  }

  adoptOverviewHistory(history: Map<number, number[]>): void {
    for (const [guildId, hours] of history) {
      const g = this.guild(guildId);
      for (const hour of hours) this.noteOverviewHour(guildId, g, hour * HOUR_MS);
    }
  }

  guildState(guildId: number): { openedAt: number | null; overviewAt: number | null; members: number } | undefined {
    const g = this.guilds.get(guildId);
    return g ? { openedAt: g.openedAt, overviewAt: g.overviewAt, members: g.members.size } : undefined;
  }

  /** The character is a current member of the guild (a raider or not). */
  setMembership(id: Id, guildId: number, raider: boolean, now: number): void {
    const c = this.character(id);
    c.guilds.set(guildId, raider);
    this.guild(guildId).members.add(id);
    this.schedule(c, now);
  }

  removeMembership(id: Id, guildId: number, now: number): void {
    const c = this.characters.get(id);
    if (!c) return;
    c.guilds.delete(guildId);
    this.guilds.get(guildId)?.members.delete(id);
    this.schedule(c, now);
  }

  /** The character's data as stored: fetched at `fetchedAt` (null: never), or Battle.net said it does not exist. */
  characterFetched(id: Id, fetchedAt: number | null, now: number, notFound = false): void {
    const c = this.character(id);
    if (c.fetchedAt === fetchedAt && c.notFound === notFound) return;
    c.fetchedAt = fetchedAt;
    c.notFound = notFound;
    this.schedule(c, now);
  }

  /** A read at `at`: adds one read to its demand unless `demandScore` gives the stored score to use instead. */
  characterRead(id: Id, at: number, now: number, demandScore?: number): void {
    const c = this.character(id);
    const before = this.classOfState(c, now);
    if (c.lastReadAt === null || at > c.lastReadAt) c.lastReadAt = at;
    c.demandScore = demandScore ?? c.demandScore + demandIncrement(at, this.settings.demandHalfLifeMs);
    if (before !== 'hot' || c.slot === 'ready') this.schedule(c, now);
  }

  /** Someone waits for this character: it goes first in the next pick. */
  characterWaiting(id: Id, now: number): void {
    const c = this.character(id);
    if (c.waiting) return;
    c.waiting = true;
    this.waitingQueue.push(id);
    this.schedule(c, now);
  }

  // ---- the policy ----

  classOf(id: Id, now: number): FreshnessClass | undefined {
    const c = this.characters.get(id);
    return c ? this.classOfState(c, now) : undefined;
  }

  /** When the character's next refresh is due (ms); null while it is retired and nobody waits for it. */
  dueAt(id: Id, now: number): number | null {
    const c = this.characters.get(id);
    return c ? this.dueOf(c, now) : null;
  }

  demandWeightOf(id: Id, now: number): number {
    const c = this.characters.get(id);
    return c ? demandWeight(c.demandScore, now, this.settings.demandHalfLifeMs) : 0;
  }

  /**
   * Up to `budget` characters to refresh now, in the policy's order. Each picked character is left alone for
   * `retryMs` unless its data arrives (`characterFetched`) sooner.
   */
  pick(now: number, budget: number): Pick<Id>[] {
    this.followRhythm(now);
    this.promoteDue(now);
    const out: Pick<Id>[] = [];
    const serve = (c: CharacterState<Id>, reason: PickReason) => {
      out.push({ id: c.id, reason });
      c.waiting = false;
      c.pickedAt = now;
      c.version += 1;
      c.slot = 'due';
      this.due.push(now + this.settings.retryMs, { c, version: c.version });
    };
    while (out.length < budget && this.waitingQueue.length > 0) {
      const c = this.characters.get(this.waitingQueue.shift()!);
      if (c?.waiting) serve(c, 'waiting');
    }
    while (out.length < budget && (this.urgent.peekKey() ?? Infinity) <= now) {
      const e = this.urgent.pop()!;
      if (this.isCurrent(e) && this.classOfState(e.c, now) !== 'retired') serve(e.c, 'max_age');
    }
    while (out.length < budget && this.hotReady.size > 0) {
      const e = this.hotReady.pop()!;
      if (!this.isCurrent(e)) continue;
      if (this.classOfState(e.c, now) === 'hot') serve(e.c, 'hot');
      else this.schedule(e.c, now);
    }
    while (out.length < budget && this.memberReady.size > 0) {
      const e = this.memberReady.pop()!;
      if (!this.isCurrent(e)) continue;
      const cls = this.classOfState(e.c, now);
      if (cls === 'member') serve(e.c, 'member');
      else this.schedule(e.c, now);
    }
    return out;
  }

  /** How many characters are due now and not yet picked (an upper bound: retired ones are dropped when reached). */
  backlog(now: number): number {
    this.promoteDue(now);
    let n = 0;
    for (const c of this.characters.values()) if (c.slot === 'ready') n += 1;
    return n + this.waitingQueue.length;
  }

  // ---- internals ----

  private guild(guildId: number): GuildState<Id> {
    let g = this.guilds.get(guildId);
    if (!g) {
      g = { openedAt: null, overviewAt: null, members: new Set(), overviewHours: new Set() };
      this.guilds.set(guildId, g);
    }
    return g;
  }

  private character(id: Id): CharacterState<Id> {
    let c = this.characters.get(id);
    if (!c) {
      c = { id, fetchedAt: null, notFound: false, lastReadAt: null, demandScore: 0, guilds: new Map(), waiting: false, pickedAt: null, version: 0, slot: 'idle' };
      this.characters.set(id, c);
    }
    return c;
  }

  private classOfState(c: CharacterState<Id>, now: number): FreshnessClass {
    const s = this.settings;
    if (c.lastReadAt !== null && now - c.lastReadAt < s.demandWindowMs) return 'hot';
    let active = false;
    for (const [guildId, raider] of c.guilds) {
      const g = this.guilds.get(guildId)!;
      if (!isGuildActive(g.openedAt, now, s.retirementMs)) continue;
      active = true;
      if (raider && g.overviewAt !== null && now - g.overviewAt < s.overviewWindowMs) return 'hot';
      if (raider && this.raidsAround(g, now)) return 'hot';
    }
    return active ? 'member' : 'retired';
  }

  /** The guild's overview was opened one week ago in this hour or the next RHYTHM_LOOKAHEAD_HOURS. */
  private raidsAround(g: GuildState<Id>, now: number): boolean {
    if (g.overviewHours.size === 0) return false;
    const hour = Math.floor(now / HOUR_MS) - WEEK_HOURS;
    for (let k = 0; k <= RHYTHM_LOOKAHEAD_HOURS; k += 1) if (g.overviewHours.has(hour + k)) return true;
    return false;
  }

  private noteOverviewHour(guildId: number, g: GuildState<Id>, at: number): void {
    const hour = Math.floor(at / HOUR_MS);
    if (g.overviewHours.has(hour)) return;
    g.overviewHours.add(hour);
    let guilds = this.overviewsByHour.get(hour);
    if (!guilds) this.overviewsByHour.set(hour, (guilds = new Set()));
    guilds.add(guildId);
  }

  /**
   * Time alone turns raiders hot when their guild's weekly rhythm comes round: on each new hour, the raiders of
   * guilds opened a week ago in the hour now entering the lookahead are scheduled again. Hours older than eight
   * days are forgotten.
   */
  private followRhythm(now: number): void {
    const hour = Math.floor(now / HOUR_MS);
    const previous = this.lastHour;
    this.lastHour = hour;
    if (previous === null || hour <= previous) return;
    const from = Math.max(previous + 1, hour - 1) + RHYTHM_LOOKAHEAD_HOURS - WEEK_HOURS;
    for (let h = from; h <= hour + RHYTHM_LOOKAHEAD_HOURS - WEEK_HOURS; h += 1) {
      for (const guildId of this.overviewsByHour.get(h) ?? []) {
        const g = this.guilds.get(guildId)!;
        for (const id of g.members) {
          const c = this.characters.get(id)!;
          if (c.guilds.get(guildId) && c.slot !== 'ready') this.schedule(c, now);
        }
      }
    }
    for (const [h, guilds] of this.overviewsByHour) {
      if (h >= hour - WEEK_HOURS - 24) continue;
      for (const guildId of guilds) this.guilds.get(guildId)?.overviewHours.delete(h);
      this.overviewsByHour.delete(h);
    }
  }

  private dueOf(c: CharacterState<Id>, now: number): number | null {
    const cls = this.classOfState(c, now);
    if (cls === 'retired' && !c.waiting) return null;
    const s = this.settings;
    let due = c.waiting ? -Infinity : c.fetchedAt === null ? -Infinity : c.fetchedAt + (cls === 'hot' ? s.ttlMs - s.leadMs : s.memberIntervalMs);
    if (c.notFound && c.fetchedAt !== null) due = Math.max(due, c.fetchedAt + s.notFoundMs);
    // A refresh picked and not yet landed is not picked again before its retry time.
    if (c.pickedAt !== null && (c.fetchedAt === null || c.fetchedAt < c.pickedAt)) due = Math.max(due, c.pickedAt + s.retryMs);
    return due;
  }

  /** When an active character becomes urgent: half-way between its member interval and the maximum age. */
  private deadlineOf(c: CharacterState<Id>): number {
    const s = this.settings;
    if (c.fetchedAt === null) return -Infinity;
    return c.fetchedAt + s.maxAgeMs - (s.maxAgeMs - s.memberIntervalMs) / 2;
  }

  /** Puts the character where its due time says, replacing wherever it was. */
  private schedule(c: CharacterState<Id>, now: number): void {
    c.version += 1;
    const due = this.dueOf(c, now);
    if (due === null) {
      c.slot = 'idle';
      return;
    }
    c.slot = 'due';
    this.due.push(due, { c, version: c.version });
  }

  private isCurrent(e: Entry<Id>): boolean {
    return e.version === e.c.version && e.c.slot === 'ready';
  }

  /** Moves every character whose due time has come into the ready heaps of its class. */
  private promoteDue(now: number): void {
    const s = this.settings;
    while ((this.due.peekKey() ?? Infinity) <= now) {
      const e = this.due.pop()!;
      const c = e.c;
      if (e.version !== c.version || c.slot !== 'due') continue;
      const due = this.dueOf(c, now);
      if (due === null) {
        c.slot = 'idle';
        continue;
      }
      c.version += 1;
      const entry = { c, version: c.version };
      if (due > now) {
        c.slot = 'due';
        this.due.push(due, entry);
        continue;
      }
      c.slot = 'ready';
      if (this.classOfState(c, now) === 'hot') {
        // Ranked as if due later the less it is read: one read a week ranks 4 TTLs behind a character read
        // constantly, so a short budget goes where most reads will land.
        const weight = demandWeight(c.demandScore, now, s.demandHalfLifeMs);
        this.hotReady.push(due + (s.ttlMs * HOT_RANK_SPREAD) / (1 + weight), entry);
      } else {
        this.memberReady.push(due, entry);
      }
      this.urgent.push(this.deadlineOf(c), entry);
    }
  }
}
