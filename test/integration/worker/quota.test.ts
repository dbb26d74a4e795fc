import { expect } from 'chai';
import { startStack, type Stack } from '../../helpers/stack.js';
import { uniqueId } from '../../helpers/test-env.js';
import { sql, syncFromGuildApi, waitFor, waitForIdle } from '../../helpers/worker.js';

const CONCURRENCY = 8;
/** Eight seconds of requests at the quota: long enough for every second of it to be full, short enough for CI. */
const BIG = 400;

const fetchedMembers = async (guildId: number) =>
  (
    await sql<{ n: string }>(
      `select count(*) as n from guild_memberships gm join character_progress p on p.character_id = gm.character_id
       where gm.guild_id = $1 and p.fetch_status = 'ok'`,
      [guildId],
    )
  )[0]?.n;

describe('worker: Battle.net quota', function () {
  this.timeout(90_000);
  const bigGuild = uniqueId();
  const smallGuild = uniqueId();
  let stack: Stack;

  before(async () => {
    stack = await startStack({
      simulator: {
        seed: bigGuild,
        world: {
          demo: false,
          guilds: [
            { id: bigGuild, name: 'Four Hundred Strong', realm: `quota-${bigGuild}`, region: 'us', members: BIG },
            { id: smallGuild, name: 'Pause Button', realm: `quota-${bigGuild}`, region: 'us', members: 100 },
          ],
        },
        faults: { perSecondQuota: 100, latencyMs: 50 },
      },
      // The worker, the api and the simulated Battle.net share this process's event loop, which on a busy
      // machine can hold a request admitted late in one second until the next: a wide edge keeps what this
      // test proves (the gate and the pipeline together stay under the quota) independent of that.
      env: { WORKER_CONCURRENCY: String(CONCURRENCY), BLIZZARD_QUOTA_EDGE_MS: '300' },
    });
  });
  after(async () => {
    await stack?.close();
  });

  it(`resyncs ${BIG} members at 100 requests/s and 50 ms latency without one request over the quota`, async () => {
    const started = Date.now();
    await syncFromGuildApi(stack.sim, stack.queues, bigGuild);
    await waitForIdle(stack.queues, 80_000);
    const seconds = (Date.now() - started) / 1000;

    const counters = stack.sim.counters().blizzard;
    expect(await fetchedMembers(bigGuild)).to.equal(String(BIG));
    expect(counters.overQuota).to.equal(0);
    expect(counters.rateLimited).to.equal(0);
    const peak = Math.max(...Object.values(counters.perSecond));
    expect(peak).to.be.at.most(100);
    console.log(`      ${BIG}-member resync: ${counters.requests} Battle.net requests in ${seconds.toFixed(1)} s, peak ${peak}/s, 0 over quota`);
  });

  it('sends nothing to Battle.net while a forced 429 with Retry-After 2 s lasts', async () => {
    stack.sim.resetCounters();
    await syncFromGuildApi(stack.sim, stack.queues, smallGuild);
    await waitFor(async () => stack.sim.counters().blizzard.requests > 20, 10_000, 'the refreshes to start');
    // Start the pause just after a second begins, so the next wall-clock second lies wholly inside it.
    await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 20));
    const pausedAt = Date.now();
    stack.sim.setFaults({ forceRateLimitMs: 2000 });
    await waitForIdle(stack.queues, 30_000);

    const counters = stack.sim.counters().blizzard;
    const secondInside = Math.floor(pausedAt / 1000) + 1;
    expect(counters.perSecond[secondInside] ?? 0, 'requests in the second wholly inside the pause').to.equal(0);
    // Only requests already on their way when the first 429 came back can have reached it.
    expect(counters.rateLimited, '429s answered').to.be.at.least(1).and.at.most(CONCURRENCY * 2 + 1);
    expect(counters.overQuota).to.equal(0);
    expect(await fetchedMembers(smallGuild)).to.equal('100');
  });
});
