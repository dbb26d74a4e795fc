import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { ConfigError, loadConfig } from '../../../src/config.js';
import { followSharedTestClock, setSharedTestClock, type FollowingClock } from '../../../src/shared-test-clock.js';
import { startChild, type ChildService } from '../../helpers/processes.js';
import { startStack, type Stack } from '../../helpers/stack.js';
import { deleteRedisKeys, REDIS_URL, testRun } from '../../helpers/test-env.js';
import { bearer, call } from '../api/helpers.js';

describe('the shared test clock (FOLLOW_TEST_CLOCK): business time set from outside the processes', function () {
  this.timeout(60_000);
  let redis: Redis;
  before(() => {
    redis = new Redis(REDIS_URL);
  });
  after(() => {
    redis.disconnect();
  });

  it('moves every following clock, and returns only once each has applied the instant', async () => {
    const prefix = `${testRun.redisPrefix}_clock_${randomBytes(3).toString('hex')}`;
    const followers: FollowingClock[] = [await followSharedTestClock(REDIS_URL, prefix), await followSharedTestClock(REDIS_URL, prefix)];
    try {
      // Until a test sets an instant, a follower runs on the system's time.
      expect(Math.abs(followers[0]!.now().getTime() - Date.now())).to.be.below(5000);
      expect(await setSharedTestClock(redis, prefix, '2026-12-08T14:59:59Z')).to.equal(2);
      for (const clock of followers) expect(clock.now().toISOString()).to.equal('2026-12-08T14:59:59.000Z');
      expect(await setSharedTestClock(redis, prefix, new Date('2026-12-08T15:00:00Z'))).to.equal(2);
      for (const clock of followers) expect(clock.now().toISOString()).to.equal('2026-12-08T15:00:00.000Z');
      // A process that starts following later picks up the instant already set.
      const late = await followSharedTestClock(REDIS_URL, prefix);
      followers.push(late);
      expect(late.now().toISOString()).to.equal('2026-12-08T15:00:00.000Z');
    } finally {
      for (const clock of followers) await clock.close();
      await deleteRedisKeys(prefix);
    }
  });

  it('is refused in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', FOLLOW_TEST_CLOCK: 'true', JWT_SECRET_KEY: 'k' }))
      .to.throw(ConfigError, /FOLLOW_TEST_CLOCK: a test-only setting, refused in production/);
    expect(loadConfig({ JWT_SECRET_KEY: 'k' }).followTestClock).to.equal(false);
  });

  describe('an api running as its own process', () => {
    let stack: Stack;
    let api: ChildService;
    before(async () => {
      stack = await startStack({ worker: false });
      api = await startChild('api', { ...stack.env, FOLLOW_TEST_CLOCK: 'true' });
    });
    after(async () => {
      await api?.stop();
      await stack?.close();
    });

    it('turns the week at the instant the test sets, one second either side of the US reset', async () => {
      const roadmap = () =>
        call(`${api.url}/guilds/1/progress/roadmap`, { headers: bearer(stack.sim.tokenFor(stack.sim.world.demoUsers.member)) });
      // The default plan's week 12 begins on Tuesday 2026-06-02 in the US.
      expect(await setSharedTestClock(redis, stack.config.redisPrefix, '2026-06-02T14:59:59Z')).to.equal(1);
      const before = await roadmap();
      expect(before.status, before.text).to.equal(200);
      expect(before.body.current_week).to.equal(11);
      expect(await setSharedTestClock(redis, stack.config.redisPrefix, '2026-06-02T15:00:00Z')).to.equal(1);
      expect((await roadmap()).body.current_week).to.equal(12);
    });
  });
});
