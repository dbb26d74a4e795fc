import { expect } from 'chai';
import { ManualClock } from '../../../src/clock.js';
import { JOBS } from '../../../src/queue/registry.js';
import { Keys } from '../../../src/redis.js';
import { FreshnessScheduler } from '../../../src/worker/freshness/scheduler.js';
import { REFRESH_COST_WINDOW, refreshesPerTick } from '../../../src/worker/freshness/settings.js';
import { findGuild } from '../../../src/sim/index.js';
import { suiteStack } from '../../helpers/stack.js';
import { sql, waitForIdle } from '../../helpers/worker.js';
import { bearer, call, isolatedGuild } from '../api/helpers.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * The freshness scheduler and the guild-sync cadence against the real api, worker and simulator, on a clock the
 * tests move. Each block has a database of its own: the scheduler loads every membership it finds.
 */
describe('freshness scheduler', function () {
  this.timeout(90_000);

  const lastSynced = async (databaseUrl: string, guildId: number): Promise<number | null> => {
    const [row] = await sql<{ last_synced_at: Date | null }>('select last_synced_at from guilds where id = $1', [guildId], databaseUrl);
    return row?.last_synced_at ? new Date(row.last_synced_at).getTime() : null;
  };

  describe('retirement', () => {
    const clock = new ManualClock('2026-12-02T12:00:00Z');
    const spec = isolatedGuild(6);
    const suite = suiteStack({ api: true, clock, ownDatabase: true, env: { FRESHNESS_SCHEDULER: 'true' }, simulator: { seed: spec.id, world: { demo: false, guilds: [spec] } } });

    const overview = () => {
      const officer = findGuild(suite.stack.sim.world, spec.id)!.members.find((m) => m.rankId <= 1)!.bnetId;
      return call(`${suite.url}/guilds/${spec.id}/progress/members?sort=name&limit=100`, { headers: bearer(suite.stack.sim.tokenFor(officer)) });
    };
    const syncAll = async () => {
      await JOBS.syncAllTracked.enqueue(suite.stack.queues, {});
      await waitForIdle(suite.stack.queues);
    };
    const memberIds = async () =>
      (await sql<{ character_id: string }>('select character_id from guild_memberships where guild_id = $1 and left_at is null', [spec.id], suite.stack.config.databaseUrl)).map((r) => Number(r.character_id));

    it('stops syncing and refreshing a guild nobody opened for the retirement period, and syncs it again on its next read', async () => {
      const { stack } = suite;
      const start = clock.now().getTime();
      expect((await overview()).status).to.equal(200);
      await stack.api!.deps.demand.flush();
      await waitForIdle(stack.queues);
      expect(await lastSynced(suite.stack.config.databaseUrl, spec.id)).to.equal(start);
      expect(await memberIds()).to.have.length(6);

      // Active: its members are refreshed once their data is past the member interval.
      clock.set(start + 13 * HOUR);
      const active = await stack.worker!.freshness.tick({ budget: 100 });
      expect(active.enqueued).to.equal(6);
      await waitForIdle(stack.queues);
      // Each pick carries the fetch it was based on, so a refresh landing first would answer it with no call.
      const scheduled = (await stack.queues.characterRefresh.getJobs(['completed'])).filter((j) => j.data.reason === 'scheduled');
      expect(scheduled.map((j) => j.data.seenFetchedAt)).to.deep.equal(Array(6).fill(start));

      // The last millisecond of the period: still active, so the periodic sync covers it.
      const lastActive = start + 14 * DAY - 1;
      clock.set(lastActive);
      await syncAll();
      expect(await lastSynced(suite.stack.config.databaseUrl, spec.id)).to.equal(lastActive);

      // From the end of the period on: no sync, no refresh, however old the data grows.
      clock.set(start + 14 * DAY);
      await syncAll();
      expect(await lastSynced(suite.stack.config.databaseUrl, spec.id)).to.equal(lastActive);
      clock.set(start + 20 * DAY);
      await syncAll();
      expect(await lastSynced(suite.stack.config.databaseUrl, spec.id)).to.equal(lastActive);
      const retired = await stack.worker!.freshness.tick({ budget: 100 });
      expect(retired).to.include({ leader: true, enqueued: 0 });

      // Opened again (its one-minute guild-api snapshot long gone): synced at once, members refreshed again.
      await stack.api!.deps.redis.unlink(new Keys(stack.config.redisPrefix).guildApiSnapshot(spec.id));
      expect((await overview()).status).to.equal(200);
      await stack.api!.deps.guildTracker.settled();
      await stack.api!.deps.demand.flush();
      await waitForIdle(stack.queues);
      expect(await lastSynced(suite.stack.config.databaseUrl, spec.id)).to.equal(start + 20 * DAY);
      // The sync itself refreshed the members past the maximum age; the scheduler has them again from here on.
      const fetched = await sql<{ fetched_at: Date }>(
        `select p.fetched_at from guild_memberships gm join character_progress p on p.character_id = gm.character_id
         where gm.guild_id = $1 and gm.left_at is null`,
        [spec.id],
        suite.stack.config.databaseUrl,
      );
      expect(fetched.map((r) => new Date(r.fetched_at).getTime())).to.deep.equal(Array(6).fill(start + 20 * DAY));
      clock.set(start + 20 * DAY + 13 * HOUR);
      const back = await stack.worker!.freshness.tick({ budget: 100 });
      expect(back.enqueued).to.equal(6);
      await waitForIdle(stack.queues);
    });
  });

  describe('demand', () => {
    const clock = new ManualClock('2026-12-02T12:00:00Z');
    const spec = isolatedGuild(8);
    // Only the Guild Master counts as a raider here, so the overview lists few members as read.
    const suite = suiteStack({ api: true, clock, ownDatabase: true, env: { FRESHNESS_SCHEDULER: 'true', RAIDER_MAX_RANK: '0' }, simulator: { seed: spec.id, world: { demo: false, guilds: [spec] } } });

    const fetchedAt = async () =>
      new Map(
        (
          await sql<{ character_name: string; fetched_at: Date }>(
            `select gm.character_name, p.fetched_at from guild_memberships gm join character_progress p on p.character_id = gm.character_id
             where gm.guild_id = $1 and gm.left_at is null`,
            [spec.id],
            suite.stack.config.databaseUrl,
          )
        ).map((r) => [r.character_name, new Date(r.fetched_at).getTime()]),
      );

    it('refreshes a character someone read before the members nobody read', async () => {
      const { stack } = suite;
      const guild = findGuild(stack.sim.world, spec.id)!;
      const officer = guild.members.find((m) => m.rankId <= 1)!;
      const as = () => ({ headers: bearer(stack.sim.tokenFor(officer.bnetId)) });
      const start = clock.now().getTime();
      const overview = () => call(`${suite.url}/guilds/${spec.id}/progress/members?sort=name&limit=100`, as());
      expect((await overview()).status).to.equal(200);
      await waitForIdle(stack.queues);
      // Opened again once synced: this time it lists the members with their ranks.
      expect((await overview()).body.members).to.have.length(8);
      const before = await fetchedAt();
      expect([...before.values()].every((t) => t === start)).to.equal(true);

      // Ten minutes on, one member (not a raider, so the overview did not list it as one) is read three times
      // while its data is fresh (so the reads themselves enqueue nothing).
      const read = guild.members.find((m) => m.rankId > stack.config.freshness.raiderMaxRank)!;
      clock.set(start + 10 * MINUTE);
      for (let i = 0; i < 3; i += 1) {
        const view = await call(`${suite.url}/guilds/${spec.id}/progress/character/${encodeURIComponent(read.characterName)}?realm=${guild.realm.slug}`, as());
        expect(view.status, view.text.slice(0, 200)).to.equal(200);
        expect(view.body.character.stale).to.equal(false);
      }
      await stack.api!.deps.demand.flush();
      await waitForIdle(stack.queues);

      // Thirteen hours on, every member is past the member interval and every raider past the TTL (the overview
      // listed them once): with room for one refresh, the character read most goes first.
      const later = start + 13 * HOUR;
      clock.set(later);
      const first = await stack.worker!.freshness.tick({ budget: 1 });
      expect(first.picked).to.deep.equal({ hot: 1 });
      await waitForIdle(stack.queues);
      const afterFirst = await fetchedAt();
      expect(afterFirst.get(read.characterName)).to.equal(later);
      expect([...afterFirst].filter(([name]) => name !== read.characterName).every(([, t]) => t === start)).to.equal(true);

      // The next tick takes the others: the raiders the overview listed, then the members nobody read.
      const rest = await stack.worker!.freshness.tick({ budget: 100 });
      const raiders = guild.members.filter((m) => m.rankId <= stack.config.freshness.raiderMaxRank).length;
      expect(rest.enqueued).to.equal(7);
      expect(rest.picked.hot ?? 0).to.equal(raiders);
      expect(rest.picked.member ?? 0).to.equal(7 - raiders);
      await waitForIdle(stack.queues);
      expect([...(await fetchedAt()).values()].every((t) => t === later)).to.equal(true);
    });
  });

  describe('guild-sync cadence', () => {
    const clock = new ManualClock('2026-12-02T12:00:00Z');
    const spec = isolatedGuild(5);
    const SYNC_INTERVAL_SECONDS = 120;
    const suite = suiteStack({
      api: true,
      clock,
      ownDatabase: true,
      env: { FRESHNESS_SCHEDULER: 'true', GUILD_SYNC_INTERVAL: String(SYNC_INTERVAL_SECONDS) },
      simulator: { seed: spec.id, world: { demo: false, guilds: [spec] } },
    });

    it(`opening the overview every 10 s for 5 minutes syncs the roster once per GUILD_SYNC_INTERVAL (${SYNC_INTERVAL_SECONDS} s), not once a minute`, async () => {
      const { stack } = suite;
      const guild = findGuild(stack.sim.world, spec.id)!;
      const officer = guild.members.find((m) => m.rankId <= 1)!.bnetId;
      const snapshot = new Keys(stack.config.redisPrefix).guildApiSnapshot(spec.id);
      const rosterRequests = () =>
        Object.entries(stack.sim.counters().blizzard.byPath)
          .filter(([path]) => path.endsWith('/roster') && path.includes(guild.realm.slug))
          .reduce((sum, [, n]) => sum + n, 0);
      const syncs: number[] = [];
      let previous = await lastSynced(suite.stack.config.databaseUrl, spec.id);
      for (let second = 0; second < 300; second += 10) {
        // Its guild-api snapshot lives a minute: gone at every whole minute.
        if (second > 0 && second % 60 === 0) await stack.api!.deps.redis.unlink(snapshot);
        const reply = await call(`${suite.url}/guilds/${spec.id}/progress/members?sort=name&limit=100`, { headers: bearer(stack.sim.tokenFor(officer)) });
        expect(reply.status).to.equal(200);
        await stack.api!.deps.guildTracker.settled();
        await waitForIdle(stack.queues);
        const synced = await lastSynced(suite.stack.config.databaseUrl, spec.id);
        if (synced !== previous) syncs.push(second);
        previous = synced;
        clock.advance(10_000);
      }
      // The first read, then once the last sync is the interval old: at 0 s, 120 s and 240 s (5 snapshots were taken).
      expect(syncs).to.deep.equal([0, 120, 240]);
      expect(rosterRequests()).to.equal(3);
      expect(stack.sim.counters().guildApi.requests).to.be.at.least(5);
    });

    it('lets one worker schedule at a time: another waits while the lease is held and takes it once it lapses', async () => {
      const { stack } = suite;
      const holder = stack.worker!.freshness;
      expect((await holder.tick({ budget: 0 })).leader).to.equal(true);
      const other = new FreshnessScheduler(stack.worker!.ctx);
      expect(await other.tick({ budget: 0 })).to.include({ leader: false, enqueued: 0 });
      // The lease lapses (its holder stopped without giving it up): the other takes it, and the first waits.
      await stack.worker!.ctx.redis.del(new Keys(stack.config.redisPrefix).freshnessLease());
      expect((await other.tick({ budget: 0 })).leader).to.equal(true);
      expect((await holder.tick({ budget: 0 })).leader).to.equal(false);
    });

    it('divides its share of the quota by the requests a refresh made: 304s (one request) buy twice the refreshes', async () => {
      const { stack } = suite;
      const { ctx } = stack.worker!;
      await waitForIdle(stack.queues);
      await ctx.redis.del(new Keys(stack.config.redisPrefix).freshnessLease());
      const scheduler = new FreshnessScheduler(ctx);
      // The first tick takes the lease and counts the refreshes this process made so far.
      expect((await scheduler.tick()).leader).to.equal(true);
      await waitForIdle(stack.queues);
      const within = (budget: number, requestsPerRefresh: number) => {
        const share = refreshesPerTick(ctx.config, requestsPerRefresh);
        expect(budget).to.be.within(Math.floor(share), Math.floor(share) + 1);
      };
      expect(Math.floor(refreshesPerTick(ctx.config, 1))).to.be.greaterThan(Math.floor(refreshesPerTick(ctx.config, 2)) + 1);
      for (let i = 0; i < REFRESH_COST_WINDOW; i += 1) ctx.metrics.blizzardRequestsPerRefresh.observe({ result: 'not_modified' }, 1);
      const cheap = await scheduler.tick();
      within(cheap.budget, 1);
      await waitForIdle(stack.queues);
      for (let i = 0; i < REFRESH_COST_WINDOW; i += 1) ctx.metrics.blizzardRequestsPerRefresh.observe({ result: 'ok' }, 2);
      within((await scheduler.tick()).budget, 2);
      await ctx.redis.del(new Keys(stack.config.redisPrefix).freshnessLease());
    });
  });
});
