import { expect } from 'chai';
import { dropPermissions } from '../../../src/cache/invalidate.js';
import { GuildAccess, type Decided } from '../../../src/api/services/guild-access.js';
import { createRedis, Keys } from '../../../src/redis.js';
import type { GuildApiClient, PermissionDecision } from '../../../src/upstream/guild-api/client.js';
import { REDIS_URL, testLogger, testRun, uniqueId } from '../../helpers/test-env.js';

/**
 * guild-api answers a permission check, then a webhook announces that the user's rank changed, and only then does
 * the api store the answer it got: the answer predates the change. It must not be kept, or a demoted officer
 * keeps officer access until the decision expires.
 */
describe('a permission decision and a webhook racing it', function () {
  const redis = createRedis(REDIS_URL, 'worker');
  const keys = new Keys(`${testRun.redisPrefix}_perm${uniqueId()}`);
  const guildId = 5150;
  const bnetId = 9001;
  /** guild-api's answers, each released by the test when it says so; `wasAsked` tells it a check was sent. */
  let release: (answer: PermissionDecision) => void = () => undefined;
  let wasAsked: () => void = () => undefined;
  const guildApi = {
    checkPermission: () => {
      wasAsked();
      return new Promise<PermissionDecision>((resolve) => (release = resolve));
    },
  } as unknown as GuildApiClient;
  const access = new GuildAccess({ redis, keys, guildApi, logger: testLogger(), ttlSeconds: 60 });
  const officer: PermissionDecision = { kind: 'allowed', rankId: 1 };

  /** Starts a decision, lets `between` run while guild-api is answering, then answers and stores it. */
  const decideAround = async (between: () => Promise<unknown>) => {
    const asked = new Promise<void>((resolve) => (wasAsked = resolve));
    const deciding = access.decide(guildId, bnetId, 'token');
    // decide reads the cache and the generation before it asks guild-api.
    await asked;
    await between();
    release(officer);
    const decided = (await deciding) as Extract<Decided, { learned: true }>;
    expect(decided.learned).to.equal(true);
    await access.remember(guildId, bnetId, decided.decision, decided.generation);
    return redis.get(keys.permission(guildId, bnetId));
  };

  afterEach(async () => {
    await redis.del(keys.permission(guildId, bnetId), keys.userPermissions(bnetId), keys.userPermissionGeneration(bnetId));
  });
  after(() => redis.disconnect());

  it('keeps a decision nothing dropped while it was asked', async () => {
    expect(await decideAround(async () => undefined)).to.equal(JSON.stringify({ allowed: true, rankId: 1 }));
    expect((await access.decide(guildId, bnetId, 'token')).learned, 'the next request reads it from the cache').to.equal(false);
  });

  for (const [how, drop] of [
    ['a webhook about the user in this guild', () => dropPermissions(redis, keys, bnetId, guildId)],
    ["a webhook about the user's characters (every guild)", () => dropPermissions(redis, keys, bnetId)],
  ] as const) {
    it(`does not keep a decision guild-api gave before ${how}`, async () => {
      expect(await decideAround(drop)).to.equal(null);
      // The next request asks guild-api again, and that answer is kept.
      expect(await decideAround(async () => undefined)).to.not.equal(null);
    });
  }

  it('drops a decision stored just before the webhook, as it always did', async () => {
    await decideAround(async () => undefined);
    await dropPermissions(redis, keys, bnetId, guildId);
    expect(await redis.get(keys.permission(guildId, bnetId))).to.equal(null);
  });

  it('stores nothing when the generation could not be read', async () => {
    await access.remember(guildId, bnetId, { allowed: true, rankId: 1 }, undefined);
    expect(await redis.get(keys.permission(guildId, bnetId))).to.equal(null);
  });
});
