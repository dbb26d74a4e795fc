import { expect } from 'chai';
import { cachedReadScript } from '../../../src/api/cached-reads/script.js';
import type { Plan } from '../../../src/api/cached-reads/plan.js';
import { encodeEntry, entryHeader, storedJson, tagField } from '../../../src/cache/response-cache.js';
import { createRedis, Keys } from '../../../src/redis.js';
import { REDIS_URL, testRun, uniqueId } from '../../helpers/test-env.js';

describe('the cached-read script: reads asked for together go to Redis as one pipeline', () => {
  const redis = createRedis(REDIS_URL, 'request');
  const keys = new Keys(`${testRun.redisPrefix}_script${uniqueId()}`);
  const guildId = 77;
  const body = storedJson({ view: 'cached' });
  const expiresAt = Date.now() + 60_000;
  const plan: Plan = {
    route: '/guilds/:guild_id/progress/members', kind: 'overview', level: 'officer', guildId,
    hash: keys.guildResponses(guildId), field: 'overview:x', fieldParts: ['', ''],
  };
  const counter = (user: number) => `${keys.rateLimit()}:user:${user}`;

  before(async () => {
    await redis.set(keys.permission(guildId, 1), JSON.stringify({ allowed: true, rankId: 0 }));
    await redis.hset(keys.guildApiSnapshot(guildId), 'guild', JSON.stringify({ realm: 'r', region: 'us' }));
    await redis.hset(plan.hash, plan.field, encodeEntry(body, expiresAt), tagField(plan.field), entryHeader(body, expiresAt));
  });
  after(async () => {
    await redis.del(keys.permission(guildId, 1), keys.guildApiSnapshot(guildId), plan.hash, counter(1), counter(2));
    redis.disconnect();
  });

  it('sends reads made in one turn of the event loop in one pipeline, each with its own point and answer', async () => {
    const read = cachedReadScript(redis);
    const original = redis.pipeline.bind(redis);
    let pipelines = 0;
    redis.pipeline = ((...args: Parameters<typeof original>) => {
      pipelines += 1;
      return original(...args);
    }) as typeof redis.pipeline;
    try {
      const header = entryHeader(body, expiresAt);
      const asked = [
        read(plan, counter(1), keys.permission(guildId, 1), keys.guildApiSnapshot(guildId), ''),
        read(plan, counter(1), keys.permission(guildId, 1), keys.guildApiSnapshot(guildId), header),
        read(plan, counter(1), keys.permission(guildId, 1), keys.guildApiSnapshot(guildId), 'stale header\n'),
        read(plan, counter(2), keys.permission(guildId, 2), keys.guildApiSnapshot(guildId), header),
      ];
      const replies = await Promise.all(asked);
      expect(pipelines, 'one pipeline for the four').to.equal(1);
      expect(replies.map((r) => r[0])).to.deep.equal([1, 2, 3, 1]);
      expect(Buffer.isBuffer(replies[0]![4]) && replies[0]![4].equals(encodeEntry(body, expiresAt)), 'no copy held: the entry').to.equal(true);
      expect(replies[1]![4], 'the copy held is current: 1').to.equal(1);
      expect(Buffer.isBuffer(replies[2]![4]), 'another header: the entry').to.equal(true);
      expect(replies[3]![2], 'user 2 has no decision cached').to.equal(null);
      expect(replies[3]![4]).to.equal(1);

      const alone = await read(plan, counter(1), keys.permission(guildId, 1), keys.guildApiSnapshot(guildId), header);
      expect(pipelines, 'a read on its own is sent as it is').to.equal(1);
      expect(alone[0]).to.equal(4);
    } finally {
      redis.pipeline = original;
    }
  });

  it('fails every read of a batch when Redis cannot be reached, so each goes on to the routes', async () => {
    const lone = createRedis('redis://127.0.0.1:1', 'request');
    try {
      const read = cachedReadScript(lone);
      const results = await Promise.allSettled([1, 2].map(() => read(plan, counter(1), keys.permission(guildId, 1), keys.guildApiSnapshot(guildId), '')));
      expect(results.map((r) => r.status)).to.deep.equal(['rejected', 'rejected']);
    } finally {
      lone.disconnect();
    }
  });
});
