import { expect } from 'chai';
import { findGuild, type SimGuild } from '../../../src/sim/index.js';
import { startChild, type ChildService } from '../../helpers/processes.js';
import { startRedisCluster, type LocalRedisCluster } from '../../helpers/redis-cluster.js';
import { startStack, type Stack } from '../../helpers/stack.js';
import { forgetGuild } from '../../helpers/sql.js';
import { waitForIdle } from '../../helpers/worker.js';
import { bearer, call, isolatedGuild } from '../api/helpers.js';

const MEMBERS = 30;
/** Battle.net's per-second quota in the simulator; the gate is given a quarter of headroom below it. */
const PER_SECOND = 20;
const APIS = 2;
const WORKERS = 3;

/** Battle.net requests per character endpoint (profile, equipment): a character fetched twice shows as a 2. */
const characterFetches = (byPath: Record<string, number>) =>
  Object.entries(byPath).filter(([path]) => /\/profile\/wow\/character\/[^/]+\/[^/]+(\/equipment)?$/.test(path));

/** Refresh jobs each worker finished, from its one log line per job, by how they ended. */
const refreshOutcomes = (worker: ChildService): string[] =>
  worker.logs.records().filter((r) => r.msg === 'job done' && r.queue === 'character-refresh').map((r) => String(r.outcome));

for (const redisKind of ['one Redis', 'a Redis Cluster'] as const) {
  describe(`${APIS} api and ${WORKERS} worker processes on one database and ${redisKind}`, function () {
    this.timeout(120_000);
    const spec = isolatedGuild(MEMBERS);
    let cluster: LocalRedisCluster | undefined;
    let stack: Stack;
    let guild: SimGuild;
    const children: ChildService[] = [];
    const apis = () => children.filter((c) => c.kind === 'api');
    const workers = () => children.filter((c) => c.kind === 'worker');

    before(async () => {
      if (redisKind === 'a Redis Cluster') cluster = await startRedisCluster();
      stack = await startStack({
        worker: false,
        redisCluster: cluster,
        simulator: { seed: spec.id, world: { demo: false, guilds: [spec] }, faults: { perSecondQuota: PER_SECOND, latencyMs: 20 } },
        env: {
          BLIZZARD_QUOTA_PER_SECOND: String(PER_SECOND),
          // Three workers' requests leave separate, busy processes: a request admitted late in a second may
          // reach Battle.net in the next one, which the headroom and the wide edge leave room for.
          BLIZZARD_QUOTA_HEADROOM: '0.25',
          BLIZZARD_QUOTA_EDGE_MS: '300',
          WORKER_CONCURRENCY: '2',
          // All three run the freshness scheduler, as a deployment does: its lease lets one of them pick at a time.
          FRESHNESS_SCHEDULER: 'true',
          LOG_LEVEL: 'info',
        },
      });
      guild = findGuild(stack.sim.world, spec.id)!;
      children.push(
        ...(await Promise.all([
          ...Array.from({ length: APIS }, () => startChild('api', stack.env)),
          ...Array.from({ length: WORKERS }, () => startChild('worker', stack.env)),
        ])),
      );
    });
    after(async () => {
      await Promise.all(children.map((c) => c.stop()));
      await stack?.close();
      await cluster?.stop();
      await forgetGuild(spec.id, spec.realm);
    });

    it('syncs a guild opened on both apis at once: every character fetched once, no second over the quota, the work shared', async () => {
      const gm = guild.members.find((m) => m.rankId === 0)!;
      const overview = (api: ChildService) => call(`${api.url}/guilds/${guild.id}/progress/members?limit=1000`, { headers: bearer(stack.sim.tokenFor(gm.bnetId)) });
      const first = await Promise.all(apis().map(overview));
      expect(first.map((r) => r.status)).to.deep.equal([200, 200]);
      await waitForIdle(stack.queues, 60_000);

      // Either api now serves every member with gear, from the one projection.
      for (const api of apis()) {
        const members = (await overview(api)).body.members as Array<{ current_ilvl: number | null }>;
        expect(members).to.have.length(MEMBERS);
        expect(members.every((m) => typeof m.current_ilvl === 'number'), 'every member refreshed').to.equal(true);
      }

      const counters = stack.sim.counters().blizzard;
      const fetches = characterFetches(counters.byPath);
      expect(fetches, 'a profile and an equipment request per member').to.have.length(2 * MEMBERS);
      expect(fetches.filter(([, n]) => n !== 1), 'requests made more than once').to.deep.equal([]);
      expect(counters.overQuota, 'requests beyond the per-second quota').to.equal(0);
      expect(counters.rateLimited).to.equal(0);
      expect(Math.max(...Object.values(counters.perSecond))).to.be.at.most(PER_SECOND);
      // The quota, not one worker, paced the sync: three workers with two jobs each took turns.
      // Only refreshes that fetched are a share of the work. A refresh another producer queued for a character the
      // sync's own job fetched meanwhile (a worker's freshness scheduler, which all three run, picking a member not
      // yet fetched when it looked) ends `already_fresh` without asking Battle.net.
      const outcomesBy = workers().map(refreshOutcomes);
      const shares = outcomesBy.map((outcomes) => outcomes.filter((outcome) => outcome === 'ok').length);
      const outcomes = outcomesBy.flat();
      expect(shares.reduce((a, b) => a + b, 0), `refresh outcomes: ${outcomes.join(', ')}`).to.equal(MEMBERS);
      expect(outcomes.filter((o) => o !== 'ok' && o !== 'already_fresh'), 'refreshes that neither fetched nor found it done').to.deep.equal([]);
      expect(shares.filter((n) => n > 0).length, `refreshes per worker: ${shares.join(', ')}`).to.be.at.least(2);
    });
  });
}
