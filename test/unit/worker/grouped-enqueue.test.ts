import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import type { Redis } from 'ioredis';
import { activityJobKey, characterActivityJob } from '../../../src/queue/character-activity.js';
import { GroupedEnqueue } from '../../../src/queue/grouped-enqueue.js';
import { closeQueues, createQueues, type Queues } from '../../../src/queue/queues.js';
import { createRedis } from '../../../src/redis.js';
import { deleteRedisKeys, REDIS_URL } from '../../helpers/test-env.js';

describe('activity jobs added in groups', () => {
  let redis: Redis;
  let queues: Queues;
  let prefix: string;
  let calls: { add: number; addBulk: number[] };

  beforeEach(() => {
    prefix = `test_grouped_${randomBytes(4).toString('hex')}`;
    redis = createRedis(REDIS_URL, 'worker');
    queues = createQueues(redis, prefix);
    calls = { add: 0, addBulk: [] };
    const queue = queues.characterRefresh;
    const add = queue.add.bind(queue);
    const addBulk = queue.addBulk.bind(queue);
    queue.add = (...args) => {
      calls.add += 1;
      return add(...args);
    };
    queue.addBulk = (jobs) => {
      calls.addBulk.push(jobs.length);
      return addBulk(jobs);
    };
  });

  afterEach(async () => {
    await closeQueues(queues);
    redis.disconnect();
    await deleteRedisKeys(prefix);
  });

  const thrall = { region: 'eu', realm: 'argent-dawn', name: 'Thrall' } as const;
  const jaina = { region: 'us', realm: 'proudmoore', name: 'Jaina' } as const;

  it('adds the jobs asked for in one round of I/O with one addBulk, each under its kind and dedup key', async () => {
    const grouped = new GroupedEnqueue(characterActivityJob, queues);
    await Promise.all([grouped.enqueue(thrall), grouped.enqueue(jaina)]);
    expect(calls).to.deep.equal({ add: 0, addBulk: [2] });
    const jobs = await queues.characterRefresh.getJobs(['prioritized', 'wait']);
    expect(jobs.map((j) => [j.name, j.data.name, j.opts.deduplication?.id, j.opts.priority]).sort()).to.deep.equal([
      ['activity', 'Jaina', activityJobKey('us', 'proudmoore', 'Jaina'), 50],
      ['activity', 'Thrall', activityJobKey('eu', 'argent-dawn', 'Thrall'), 50],
    ]);
  });

  it('keeps one waiting job per character, as separate adds do', async () => {
    const grouped = new GroupedEnqueue(characterActivityJob, queues);
    await Promise.all([grouped.enqueue(thrall), grouped.enqueue(thrall)]);
    await grouped.enqueue(thrall);
    await characterActivityJob.enqueue(queues, thrall);
    expect(await queues.characterRefresh.getJobCounts('prioritized', 'wait')).to.deep.equal({ prioritized: 1, wait: 0 });
  });

  it('puts what is asked for while a group is on its way into the next group', async () => {
    const grouped = new GroupedEnqueue(characterActivityJob, queues);
    const first = grouped.enqueue(thrall);
    // Past the round that sends the first group, before its reply.
    await new Promise((resolve) => setImmediate(resolve));
    const second = Promise.all([grouped.enqueue(jaina), grouped.enqueue({ ...jaina, name: 'Anduin' })]);
    await Promise.all([first, second]);
    expect(calls.addBulk).to.deep.equal([1, 2]);
    expect(await queues.characterRefresh.getJobCounts('prioritized')).to.deep.equal({ prioritized: 3 });
  });

  it('rejects a bad payload on its own, before anything reaches Redis', async () => {
    const grouped = new GroupedEnqueue(characterActivityJob, queues);
    const bad = grouped.enqueue({ ...thrall, region: 'mars' as 'eu' }).then(
      () => 'added',
      (err: Error) => err.name,
    );
    const [outcome] = await Promise.all([bad, grouped.enqueue(jaina)]);
    expect(outcome).to.equal('ZodError');
    expect(calls.addBulk).to.deep.equal([1]);
  });
});
