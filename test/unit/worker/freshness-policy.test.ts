import { expect } from 'chai';
import {
  demandIncrement, demandWeight, FreshnessIndex, guildsDueForSync, isGuildActive, type FreshnessSettings,
} from '../../../src/worker/freshness/policy.js';
import { REFRESH_COST_WINDOW, RefreshCost, refreshesPerTick } from '../../../src/worker/freshness/settings.js';

const S = 1000;
const H = 3600 * S;
const D = 24 * H;
const settings: FreshnessSettings = {
  ttlMs: H,
  leadMs: 5 * 60 * S,
  memberIntervalMs: 6 * H,
  maxAgeMs: D,
  demandWindowMs: D,
  overviewWindowMs: 2 * H,
  retirementMs: 14 * D,
  retryMs: 2 * 60 * S,
  notFoundMs: D,
  demandHalfLifeMs: 7 * D,
};
const T0 = Date.UTC(2026, 11, 1, 12);
const GUILD = 1;

/** One active guild (opened at T0) with the given members, all fetched at `fetchedAt`. */
function indexWith(members: Array<{ id: number; raider?: boolean; fetchedAt?: number | null }>, opened = T0): FreshnessIndex {
  const index = new FreshnessIndex(settings);
  index.guildOpened(GUILD, opened, opened);
  for (const m of members) {
    index.setMembership(m.id, GUILD, m.raider ?? false, opened);
    index.characterFetched(m.id, m.fetchedAt === undefined ? opened : m.fetchedAt, opened);
  }
  return index;
}

const ids = (index: FreshnessIndex, now: number, budget = 100) => index.pick(now, budget).map((p) => p.id);

describe('freshness policy', () => {
  describe('classes', () => {
    it('a character read within the demand window is hot, and a member from the window on', () => {
      const index = indexWith([{ id: 1 }]);
      index.characterRead(1, T0, T0);
      expect(index.classOf(1, T0 + D - 1)).to.equal('hot');
      expect(index.classOf(1, T0 + D)).to.equal('member');
    });

    it("a raider is hot while the guild's overview was opened within the overview window; other members are not", () => {
      const index = indexWith([{ id: 1, raider: true }, { id: 2, raider: false }]);
      index.guildOpened(GUILD, T0, T0, true);
      expect(index.classOf(1, T0 + 2 * H - 1)).to.equal('hot');
      expect(index.classOf(1, T0 + 2 * H)).to.equal('member');
      expect(index.classOf(2, T0 + 1)).to.equal('member');
    });

    it('a member of a guild opened less than the retirement period ago is a member; from the period on it is retired', () => {
      const index = indexWith([{ id: 1 }]);
      expect(index.classOf(1, T0 + 14 * D - 1)).to.equal('member');
      expect(index.classOf(1, T0 + 14 * D)).to.equal('retired');
      expect(isGuildActive(T0, T0 + 14 * D - 1, settings.retirementMs)).to.equal(true);
      expect(isGuildActive(T0, T0 + 14 * D, settings.retirementMs)).to.equal(false);
      expect(isGuildActive(null, T0, settings.retirementMs)).to.equal(false);
    });

    it("turns a raider hot a week later from two hours before the hour its guild's overview was opened, through that hour", () => {
      const index = indexWith([{ id: 1, raider: true }, { id: 2 }]);
      index.guildOpened(GUILD, T0 + 30 * 60 * S, T0 + 30 * 60 * S, true);
      const week = 7 * D;
      expect(index.classOf(1, T0 + week - 2 * H - 1)).to.equal('member');
      expect(index.classOf(1, T0 + week - 2 * H)).to.equal('hot');
      expect(index.classOf(1, T0 + week + H - 1)).to.equal('hot');
      expect(index.classOf(1, T0 + week + H)).to.equal('member');
      expect(index.classOf(2, T0 + week)).to.equal('member');
    });

    it('refreshes the raiders as their weekly rhythm comes round, with no read to prompt it', () => {
      const index = indexWith([{ id: 1, raider: true }, { id: 2 }]);
      index.guildOpened(GUILD, T0 + 30 * 60 * S, T0 + 30 * 60 * S, true);
      const nineOClock = T0 + 7 * D - 3 * H;
      index.characterFetched(1, nineOClock, nineOClock);
      index.characterFetched(2, nineOClock, nineOClock);
      expect(ids(index, nineOClock)).to.deep.equal([]);
      expect(ids(index, nineOClock + H - 1)).to.deep.equal([]);
      expect(index.pick(nineOClock + H, 10)).to.deep.equal([{ id: 1, reason: 'hot' }]);
    });

    it('keeps the overview hours across a rebuild of the index', () => {
      const first = indexWith([{ id: 1, raider: true }]);
      first.guildOpened(GUILD, T0, T0, true);
      const second = indexWith([{ id: 1, raider: true }]);
      second.adoptOverviewHistory(first.overviewHistory());
      expect(second.classOf(1, T0 + 7 * D)).to.equal('hot');
    });

    it('a member of two guilds stays active while either is', () => {
      const index = indexWith([{ id: 1 }]);
      index.setMembership(1, 2, false, T0);
      index.guildOpened(2, T0 + 10 * D, T0 + 10 * D);
      expect(index.classOf(1, T0 + 14 * D)).to.equal('member');
      expect(index.classOf(1, T0 + 24 * D)).to.equal('retired');
    });

    it('refuses settings whose intervals are out of order', () => {
      expect(() => new FreshnessIndex({ ...settings, memberIntervalMs: H - 1 })).to.throw(RangeError);
      expect(() => new FreshnessIndex({ ...settings, maxAgeMs: 6 * H - 1 })).to.throw(RangeError);
      expect(() => new FreshnessIndex({ ...settings, leadMs: H })).to.throw(RangeError);
    });
  });

  describe('due times, both sides of each boundary', () => {
    it('refreshes a hot character once its data is the TTL less the lead old, not a millisecond before', () => {
      const index = indexWith([{ id: 1 }]);
      index.characterRead(1, T0, T0);
      const due = T0 + H - 5 * 60 * S;
      expect(index.dueAt(1, T0)).to.equal(due);
      expect(ids(index, due - 1)).to.deep.equal([]);
      expect(index.pick(due, 10)).to.deep.equal([{ id: 1, reason: 'hot' }]);
    });

    it('refreshes another member of an active guild once its data is the member interval old, not before', () => {
      const index = indexWith([{ id: 1 }]);
      expect(ids(index, T0 + 6 * H - 1)).to.deep.equal([]);
      expect(index.pick(T0 + 6 * H, 10)).to.deep.equal([{ id: 1, reason: 'member' }]);
    });

    it('never refreshes a member of a retired guild, and does again as soon as the guild is opened', () => {
      const index = indexWith([{ id: 1 }]);
      // Kept fresh until the last millisecond of the period.
      let now = T0;
      let refreshes = 0;
      while (now < T0 + 14 * D - 1) {
        now = Math.min(now + H, T0 + 14 * D - 1);
        for (const p of index.pick(now, 10)) {
          refreshes += 1;
          index.characterFetched(p.id, now, now);
        }
      }
      expect(refreshes).to.equal(Math.floor((14 * D - 1) / (6 * H)));
      const last = T0 + 14 * D - 1 - ((14 * D - 1) % (6 * H));
      // From the end of the period on, nothing, even long past every interval.
      expect(index.dueAt(1, T0 + 14 * D)).to.equal(null);
      expect(ids(index, T0 + 30 * D)).to.deep.equal([]);
      expect(last).to.be.lessThan(T0 + 14 * D);
      // Opened again: due at once (its data is far older than the interval).
      index.guildOpened(GUILD, T0 + 30 * D, T0 + 30 * D);
      // Its data is past the urgent point by then.
      expect(index.pick(T0 + 30 * D, 10)).to.deep.equal([{ id: 1, reason: 'max_age' }]);
    });

    it('believes a not-found answer for its window, then asks again', () => {
      const index = indexWith([{ id: 1 }]);
      index.characterFetched(1, T0 + 1, T0 + 1, true);
      index.characterRead(1, T0 + 1, T0 + 1);
      expect(ids(index, T0 + 1 + D - 1)).to.deep.equal([]);
      expect(ids(index, T0 + 1 + D)).to.deep.equal([1]);
    });

    it('does not pick a character again while its refresh runs, and again after the retry time if nothing landed', () => {
      const index = indexWith([{ id: 1, fetchedAt: null }]);
      expect(ids(index, T0)).to.deep.equal([1]);
      expect(ids(index, T0 + 2 * 60 * S - 1)).to.deep.equal([]);
      expect(ids(index, T0 + 2 * 60 * S)).to.deep.equal([1]);
      index.characterFetched(1, T0 + 2 * 60 * S + 10, T0 + 2 * 60 * S + 10);
      expect(ids(index, T0 + 3 * H)).to.deep.equal([]);
    });

    it('tells the fetch instant it holds for a character: null before any fetch, undefined for a stranger', () => {
      const index = indexWith([{ id: 1, fetchedAt: null }, { id: 2 }]);
      expect(index.fetchedAtOf(1)).to.equal(null);
      expect(index.fetchedAtOf(2)).to.equal(T0);
      expect(index.fetchedAtOf(3)).to.equal(undefined);
      index.characterFetched(1, T0 + 5, T0 + 5);
      expect(index.fetchedAtOf(1)).to.equal(T0 + 5);
    });

    it('lists the rosters due: active guilds never synced or synced at least the interval ago', () => {
      const now = T0 + 10 * D;
      const guilds = [
        { id: 1, openedAt: now - 14 * D + 1, lastSyncedAt: now - H },
        { id: 2, openedAt: now - 14 * D, lastSyncedAt: null },
        { id: 3, openedAt: now, lastSyncedAt: now - H + 1 },
        { id: 4, openedAt: now, lastSyncedAt: null },
        { id: 5, openedAt: null, lastSyncedAt: null },
      ];
      expect(guildsDueForSync(guilds, now, { retirementMs: 14 * D, syncIntervalMs: H })).to.deep.equal([1, 4]);
    });
  });

  describe('order when the budget is short', () => {
    it('serves someone waiting first, even for a retired guild, then characters about to pass the maximum age, then hot, then members', () => {
      const now = T0 + 20 * D;
      const index = new FreshnessIndex(settings);
      index.guildOpened(GUILD, now - H, now - H, true);
      index.guildOpened(2, now - 15 * D, now - 15 * D);
      index.setMembership(1, GUILD, false, now); // member, 7 h old
      index.characterFetched(1, now - 7 * H, now);
      index.setMembership(2, GUILD, true, now); // hot raider, 2 h old
      index.characterFetched(2, now - 2 * H, now);
      index.setMembership(3, GUILD, false, now); // member at its urgent point: 24 h - 9 h = 15 h old
      index.characterFetched(3, now - 15 * H, now);
      index.setMembership(4, 2, false, now); // retired guild, someone waits
      index.characterFetched(4, now - 20 * D, now);
      index.characterWaiting(4, now);
      expect(index.pick(now, 1)).to.deep.equal([{ id: 4, reason: 'waiting' }]);
      expect(index.pick(now, 1)).to.deep.equal([{ id: 3, reason: 'max_age' }]);
      expect(index.pick(now, 1)).to.deep.equal([{ id: 2, reason: 'hot' }]);
      expect(index.pick(now, 1)).to.deep.equal([{ id: 1, reason: 'member' }]);
      expect(index.pick(now, 1)).to.deep.equal([]);
    });

    it('counts a member as urgent from half-way between its interval and the maximum age, not a millisecond before', () => {
      // The read character's data is recent enough never to be urgent itself, and overdue as a hot one.
      const index = indexWith([{ id: 1, fetchedAt: T0 + 13 * H }, { id: 2 }]);
      index.characterRead(1, T0, T0);
      const urgentAt = T0 + 15 * H;
      // One refresh a pick: the hot character (overdue) is served before a member that is not yet urgent.
      expect(index.pick(urgentAt - 1, 1)).to.deep.equal([{ id: 1, reason: 'hot' }]);
      const index2 = indexWith([{ id: 1, fetchedAt: T0 + 13 * H }, { id: 2 }]);
      index2.characterRead(1, T0, T0);
      expect(index2.pick(urgentAt, 1)).to.deep.equal([{ id: 2, reason: 'max_age' }]);
    });

    it('among equally overdue hot characters, serves the most read first', () => {
      const index = indexWith([{ id: 1 }, { id: 2 }, { id: 3 }]);
      for (let i = 0; i < 1; i += 1) index.characterRead(1, T0, T0);
      for (let i = 0; i < 20; i += 1) index.characterRead(2, T0, T0);
      for (let i = 0; i < 5; i += 1) index.characterRead(3, T0, T0);
      expect(ids(index, T0 + H, 3)).to.deep.equal([2, 3, 1]);
    });

    it('serves the more overdue of two equally read hot characters first', () => {
      const index = indexWith([{ id: 1, fetchedAt: T0 }, { id: 2, fetchedAt: T0 - 10 * 60 * S }]);
      index.characterRead(1, T0, T0);
      index.characterRead(2, T0, T0);
      expect(ids(index, T0 + H, 1)).to.deep.equal([2]);
    });

    it('a read moves an unread member ahead of the others', () => {
      const index = indexWith(Array.from({ length: 50 }, (_, i) => ({ id: i + 1 })));
      index.characterRead(37, T0 + 2 * H, T0 + 2 * H);
      expect(ids(index, T0 + 2 * H, 5)).to.deep.equal([37]);
      index.characterFetched(37, T0 + 2 * H, T0 + 2 * H);
      // Kept within the TTL while the others wait for their interval.
      expect(ids(index, T0 + 3 * H, 100)).to.deep.equal([37]);
      index.characterFetched(37, T0 + 3 * H, T0 + 3 * H);
      const later = index.pick(T0 + 6 * H, 100);
      expect(later[0]).to.deep.equal({ id: 37, reason: 'hot' });
      expect(later.filter((p) => p.reason === 'member')).to.have.length(49);
    });
  });

  describe('demand weight', () => {
    it('weighs a read at now as 1 and one a half-life ago as 1/2', () => {
      const now = T0;
      const score = demandIncrement(now, settings.demandHalfLifeMs) + demandIncrement(now - settings.demandHalfLifeMs, settings.demandHalfLifeMs);
      expect(demandWeight(score, now, settings.demandHalfLifeMs)).to.be.closeTo(1.5, 1e-9);
      expect(demandWeight(0, now, settings.demandHalfLifeMs)).to.equal(0);
    });

    it('takes the stored score when one is given', () => {
      const index = indexWith([{ id: 1 }]);
      index.characterRead(1, T0, T0, 7 * demandIncrement(T0, settings.demandHalfLifeMs));
      expect(index.demandWeightOf(1, T0)).to.be.closeTo(7, 1e-9);
    });
  });

  describe('at scale', () => {
    it('keeps every active character within the maximum age and every hot one within the TTL when the budget allows it', () => {
      // 3,000 characters in 30 guilds, 10 of them retired; refreshes land a tick after they are picked.
      const index = new FreshnessIndex(settings);
      const start = T0;
      for (let g = 0; g < 30; g += 1) {
        index.guildOpened(g, g < 10 ? start - 20 * D : start, start, g % 3 === 0);
        for (let m = 0; m < 100; m += 1) {
          const id = g * 100 + m;
          index.setMembership(id, g, m < 20, start);
          index.characterFetched(id, start - ((id * 7919) % 20) * H, start);
        }
      }
      const fetched = new Map<number, number>();
      for (let id = 0; id < 3000; id += 1) fetched.set(id, start - ((id * 7919) % 20) * H);
      const tick = 60 * S;
      let pending: number[] = [];
      let oldestActive = 0;
      let oldestHotAfterWarmup = 0;
      for (let now = start; now < start + 3 * D; now += tick) {
        for (const id of pending) {
          fetched.set(id, now);
          index.characterFetched(id, now, now);
        }
        if ((now - start) % H === 0) index.guildOpened(11, now, now, true); // a guild read every hour
        pending = index.pick(now, 5).map((p) => p.id);
        if (now - start < 2 * D) continue;
        for (const [id, at] of fetched) {
          const cls = index.classOf(id, now);
          if (cls !== 'retired') oldestActive = Math.max(oldestActive, now - at);
          if (cls === 'hot') oldestHotAfterWarmup = Math.max(oldestHotAfterWarmup, now - at);
        }
      }
      expect(oldestActive).to.be.at.most(D);
      expect(oldestHotAfterWarmup).to.be.at.most(H);
      // Retired guilds' members were never picked: their data kept its age.
      expect(fetched.get(0)).to.equal(start);
    });

    it('picks from 100,000 characters in well under a second', () => {
      const index = new FreshnessIndex(settings);
      for (let id = 0; id < 100_000; id += 1) {
        const g = id % 2000;
        if (id < 2000) index.guildOpened(g, T0, T0);
        index.setMembership(id, g, id % 3 === 0, T0);
        index.characterFetched(id, T0 - (id % 86_400) * S, T0);
      }
      const started = performance.now();
      let picked = 0;
      for (let t = 0; t < 720; t += 1) picked += index.pick(T0 + t * 5 * S, 25).length;
      expect(picked).to.equal(720 * 25);
      expect(performance.now() - started).to.be.below(1000);
    });
  });

  describe('refresh cost (a 304 profile costs one request, a changed character two)', () => {
    it('starts at two requests a refresh, before any refresh is seen', () => {
      expect(new RefreshCost(2).requestsPerRefresh).to.equal(2);
    });

    it('follows the measured mean: a window of half 304s gives 1.5, and the budget in refreshes grows by a third', () => {
      const cost = new RefreshCost(2);
      cost.observe(REFRESH_COST_WINDOW, 1.5 * REFRESH_COST_WINDOW);
      expect(cost.requestsPerRefresh).to.be.closeTo(1.5, 1e-9);
      const config = { freshness: { budgetShare: 1, tickSeconds: 5 }, blizzard: { quotaPerHour: 36_000, quotaHeadroom: 0, quotaBurstShare: 0 } };
      expect(refreshesPerTick(config as never, cost.requestsPerRefresh) / refreshesPerTick(config as never, 2)).to.be.closeTo(4 / 3, 1e-9);
    });

    it('moves part of the way on fewer refreshes than the window, and ignores a tick with none', () => {
      const cost = new RefreshCost(2);
      cost.observe(REFRESH_COST_WINDOW / 2, REFRESH_COST_WINDOW / 2); // all 304: half-way from 2 to 1
      expect(cost.requestsPerRefresh).to.be.closeTo(1.5, 1e-9);
      cost.observe(0, 0);
      cost.observe(0, 5);
      expect(cost.requestsPerRefresh).to.be.closeTo(1.5, 1e-9);
    });

    it('stays within one and two requests whatever it is fed (0-request refreshes, more than two)', () => {
      const low = new RefreshCost(2);
      low.observe(REFRESH_COST_WINDOW, 1 * REFRESH_COST_WINDOW);
      expect(low.requestsPerRefresh).to.equal(1);
      low.observe(REFRESH_COST_WINDOW, 0); // refreshes skipped as already fresh or known missing
      expect(low.requestsPerRefresh).to.equal(1);
      const high = new RefreshCost(2);
      high.observe(REFRESH_COST_WINDOW, 3 * REFRESH_COST_WINDOW);
      expect(high.requestsPerRefresh).to.equal(2);
      const justUnder = new RefreshCost(2);
      justUnder.observe(REFRESH_COST_WINDOW, 1.999 * REFRESH_COST_WINDOW);
      expect(justUnder.requestsPerRefresh).to.be.closeTo(1.999, 1e-9);
    });
  });
});
