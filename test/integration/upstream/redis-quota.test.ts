import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { createLogger } from '../../../src/logger.js';
import { startSimulator } from '../../../src/sim/index.js';
import { BlizzardClient } from '../../../src/upstream/blizzard/client.js';
import { RedisQuotaGate, UnlimitedQuota, type RedisQuotaOptions } from '../../../src/upstream/blizzard/quota.js';
import { blizzardConfigFor, JWT_SECRET } from './support/configs.js';

const prefix = `test-quota-${randomBytes(6).toString('hex')}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts work a little after a second boundary, so a test's first window is nearly whole. */
async function alignToSecond(offsetMs = 50): Promise<void> {
  await sleep(1000 - (Date.now() % 1000) + offsetMs);
}

function countPerSecond(times: number[]): Map<number, number> {
  const counts = new Map<number, number>();
  for (const t of times) counts.set(Math.floor(t / 1000), (counts.get(Math.floor(t / 1000)) ?? 0) + 1);
  return counts;
}

describe('RedisQuotaGate (real Redis)', function () {
  this.timeout(30_000);
  const connections: Redis[] = [];
  let run = 0;

  /** Each gate gets its own connection, as separate worker replicas would. */
  const gate = (options: Partial<RedisQuotaOptions>) => {
    const redis = new Redis('redis://127.0.0.1:6379', { lazyConnect: false });
    connections.push(redis);
    return new RedisQuotaGate(redis, { prefix, clientKey: `client-${run}`, perSecond: 100, perHour: 1_000_000, headroom: 0, ...options });
  };

  beforeEach(() => {
    run += 1;
  });
  after(async () => {
    const redis = connections[0] ?? new Redis('redis://127.0.0.1:6379');
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await Promise.all([...connections, redis].map((c) => c.quit().catch(() => undefined)));
  });

  it('never admits more than the per-second budget in any wall-clock second, across replicas', async () => {
    const replicas = [gate({ perSecond: 25, headroom: 0.2 }), gate({ perSecond: 25, headroom: 0.2 })];
    await alignToSecond(300);
    const admitted: number[] = [];
    await Promise.all(
      Array.from({ length: 70 }, async (_, i) => {
        await replicas[i % 2]!.acquire();
        admitted.push(Date.now());
      }),
    );
    const perSecond = [...countPerSecond(admitted).values()];
    expect(Math.max(...perSecond)).to.be.at.most(20); // floor(25 × 0.8)
    expect(perSecond.filter((n) => n === 20).length).to.be.at.least(2); // and it does use the budget
    expect(perSecond.reduce((a, b) => a + b, 0)).to.equal(70);
  });

  it('admits nothing in the last 50 ms of a second, so a late request cannot land in the next, full one', async () => {
    const g = gate({ perSecond: 1000 });
    const admitted: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      // Arrive 30 ms before a second ends: inside the edge.
      await sleep((1970 - (Date.now() % 1000)) % 1000);
      const calledAt = Date.now();
      await g.acquire();
      admitted.push(Date.now());
      if (calledAt % 1000 >= 950) expect(Math.floor((Date.now() - 1) / 1000)).to.be.above(Math.floor(calledAt / 1000));
    }
    for (const t of admitted) expect(t % 1000).to.be.below(950 + 15); // the admission itself, plus scheduling slack
  });

  it('holds every acquirer while blocked after a 429', async () => {
    const [a, b] = [gate({}), gate({})];
    await a.acquire();
    await a.block(800);
    const started = Date.now();
    await Promise.all([a.acquire(), b.acquire()]);
    expect(Date.now() - started).to.be.within(750, 1200);
  });

  it('does not shorten an existing block with a shorter one', async () => {
    const g = gate({});
    await g.block(700);
    await g.block(100);
    const started = Date.now();
    await g.acquire();
    expect(Date.now() - started).to.be.at.least(600);
  });

  it('lets a burst through while the hourly bucket lasts, then settles at the refill rate', async () => {
    // An "hour" of 2 s with 40 requests, half of them burst: capacity 20, refilled at 10 per second.
    const g = gate({ perSecond: 1000, perHour: 40, hourSeconds: 2, burstShare: 0.5 });
    const started = Date.now();
    const admitted: number[] = [];
    await Promise.all(
      Array.from({ length: 40 }, async () => {
        await g.acquire();
        admitted.push(Date.now() - started);
      }),
    );
    admitted.sort((x, y) => x - y);
    expect(admitted.filter((t) => t < 150).length).to.be.within(20, 22);
    const steady = admitted.filter((t) => t >= 500 && t < 1500).length;
    expect(steady).to.be.within(8, 12);
    expect(admitted[39]).to.be.within(1700, 2600);
  });

  it('never admits more than the hourly quota in any rolling hour, even starting from a full bucket', async () => {
    // An "hour" of 2 s with 40 requests, a quarter of them as a burst.
    const g = gate({ perSecond: 1000, perHour: 40, hourSeconds: 2, burstShare: 0.25 });
    const started = Date.now();
    const admitted: number[] = [];
    await Promise.all(
      Array.from({ length: 80 }, async () => {
        await g.acquire();
        admitted.push(Date.now() - started);
      }),
    );
    admitted.sort((x, y) => x - y);
    expect(admitted.filter((t) => t < 150).length, 'the burst').to.be.within(10, 12);
    const worstHour = Math.max(...admitted.map((from) => admitted.filter((t) => t >= from && t < from + 2000).length));
    expect(worstHour).to.be.at.most(40);
    expect(worstHour).to.be.at.least(36);
  });

  it('keeps a client of 300 burst requests under the simulated Battle.net per-second quota', async () => {
    const sim = await startSimulator({ jwtSecretKey: JWT_SECRET, faults: { perSecondQuota: 100 } });
    try {
      const quota = gate({ perSecond: 100, headroom: 0.05 });
      const client = new BlizzardClient({ config: blizzardConfigFor(sim), logger: createLogger({ level: 'silent' }), quota });
      const roster = sim.world.guilds[0]!.roster;
      await alignToSecond(100);
      const outcomes = await Promise.all(Array.from({ length: 300 }, (_, i) => client.getProfile('us', roster[i % roster.length]!.realm.slug, roster[i % roster.length]!.name)));
      const counters = sim.counters().blizzard;
      expect(outcomes.filter((o) => o.kind !== 'ok').map((o) => JSON.stringify(o))).to.deep.equal([]);
      expect(counters.overQuota).to.equal(0);
      expect(Math.max(...Object.values(counters.perSecond))).to.be.at.most(95);
    } finally {
      await sim.close();
    }
  });
});

describe('UnlimitedQuota', () => {
  it('admits at once, except during a block', async () => {
    const quota = new UnlimitedQuota();
    let started = Date.now();
    await quota.acquire();
    expect(Date.now() - started).to.be.below(20);
    await quota.block(150);
    started = Date.now();
    await quota.acquire();
    expect(Date.now() - started).to.be.at.least(140);
  });
});
