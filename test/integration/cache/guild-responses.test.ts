import { expect } from 'chai';
import { dropCharacterResponses, dropGuildResponses, dropGuildTargets, dropMemberResponses } from '../../../src/cache/invalidate.js';
import { claimField, ResponseCache, storedJson, tagField } from '../../../src/cache/response-cache.js';
import { ManualClock } from '../../../src/clock.js';
import { createMetrics } from '../../../src/metrics.js';
import { createRedis, Keys, memberLookupField } from '../../../src/redis.js';
import { deleteRedisKeys, REDIS_URL, testRun, uniqueId } from '../../helpers/test-env.js';

/**
 * A read that misses computes its body from the database while a webhook or a projection write may drop the
 * guild's cache. The body must then not be stored: it may predate the change, and it would be served as a hit
 * until it expired.
 */
describe('cached guild bodies and a drop racing a read', function () {
  const redis = createRedis(REDIS_URL, 'worker');
  const prefix = `${testRun.redisPrefix}_cache${uniqueId()}`;
  const keys = new Keys(prefix);
  const clock = new ManualClock('2026-12-08T12:00:00Z');
  const metrics = createMetrics('api');
  const cache = new ResponseCache(redis, keys, metrics, clock);
  // Nothing listens there: with no offline queue every command fails at once.
  const failing = createRedis('redis://127.0.0.1:1', 'request');
  const guildId = 4242;
  const body = { members: ['Old'] };

  afterEach(async () => {
    await redis.del(keys.guildResponses(guildId), keys.guildResponsesVersion(guildId));
  });
  after(async () => {
    // Every key of the namespace, other guilds' included (a drop that names another guild moves its version).
    await deleteRedisKeys(prefix);
    redis.disconnect();
    failing.disconnect();
  });

  it('stores a body computed after a miss, and serves it as a hit', async () => {
    const miss = await cache.getGuild(guildId, 'overview:a', 'overview');
    expect(miss.body).to.equal(undefined);
    await cache.setGuild(guildId, 'overview:a', body, 60, miss.version);
    expect((await cache.getGuild(guildId, 'overview:a', 'overview')).body).to.deep.equal(body);
  });

  for (const [name, drop] of [
    ['a webhook or a membership change', () => dropGuildResponses(redis, keys, [guildId])],
    ['a refreshed character of the guild', () => dropCharacterResponses(redis, keys, { region: 'us', realm: 'r', nameKey: 'n' }, [guildId])],
    ["the guild's own plan saved", () => dropGuildTargets(redis, keys, guildId)],
  ] as const) {
    it(`does not store a body computed before ${name} dropped the guild's cache`, async () => {
      const miss = await cache.getGuild(guildId, 'overview:a', 'overview');
      await drop();
      await cache.setGuild(guildId, 'overview:a', body, 60, miss.version);
      expect((await cache.getGuild(guildId, 'overview:a', 'overview')).body).to.equal(undefined);
      // The next read computes afresh and may store again.
      const next = await cache.getGuild(guildId, 'overview:a', 'overview');
      await cache.setGuild(guildId, 'overview:a', { members: ['New'] }, 60, next.version);
      expect((await cache.getGuild(guildId, 'overview:a', 'overview')).body).to.deep.equal({ members: ['New'] });
    });
  }

  it('keeps other fields of the hash when a body is stored, and stores nothing without a version', async () => {
    const first = await cache.getGuild(guildId, 'overview:a', 'overview');
    await cache.setGuild(guildId, 'overview:a', body, 60, first.version);
    await cache.setGuild(guildId, 'characters:7', { characters: [] }, 60, first.version);
    expect((await cache.getGuild(guildId, 'overview:a', 'overview')).body).to.deep.equal(body);
    await cache.setGuild(guildId, 'overview:b', body, 60, undefined);
    expect((await cache.getGuild(guildId, 'overview:b', 'overview')).body).to.equal(undefined);
  });

  it('refuses a body past its end in business time even while Redis still holds it', async () => {
    const miss = await cache.getGuild(guildId, 'overview:a', 'overview');
    await cache.setGuild(guildId, 'overview:a', body, 60, miss.version);
    clock.advance(59_999);
    expect((await cache.getGuild(guildId, 'overview:a', 'overview')).body, 'a millisecond before its end').to.deep.equal(body);
    clock.advance(1);
    expect((await cache.getGuild(guildId, 'overview:a', 'overview')).body, 'at its end').to.equal(undefined);
    clock.set('2026-12-08T12:00:00Z');
  });

  it('stores every entry with its header line in a tag field, and every drop takes both', async () => {
    const stored = storedJson({ name: 'Tag' });
    const field = memberLookupField('r', 'n');
    const members = keys.guildMemberLookups(guildId);
    const expectPair = async (hash: string, f: string, present: boolean) => {
      const [entry, tag] = await redis.hmgetBuffer(hash, f, tagField(f));
      if (!present) return expect([entry, tag], `${f}: both gone`).to.deep.equal([null, null]);
      expect(entry, f).to.be.instanceOf(Buffer);
      expect(tag!.toString('latin1'), `${f}: the tag is the entry's first line`).to.equal(entry!.toString('latin1', 0, entry!.indexOf(10) + 1));
      expect(tag!.toString('latin1')).to.equal(`${Date.parse('2026-12-08T12:01:00Z')} ${stored.etag}\n`);
    };
    const claim = async () => (await cache.getCharacterView(guildId, 'r', 'n')).claim;
    try {
      await cache.setCharacterView(guildId, 'us', 'r', 'n', stored, 60, await claim());
      const miss = await cache.getGuildBody(guildId, 'overview:t', 'overview');
      await cache.setGuildBody(guildId, 'overview:t', stored, 60, miss.version);
      await expectPair(members, field, true);
      await expectPair(keys.guildResponses(guildId), 'overview:t', true);
      await dropCharacterResponses(redis, keys, { region: 'us', realm: 'r', nameKey: 'n' }, [guildId]);
      await expectPair(members, field, false);
      await expectPair(keys.guildResponses(guildId), 'overview:t', false);

      await cache.setCharacterView(guildId, 'us', 'r', 'n', stored, 60, await claim());
      await dropMemberResponses(redis, keys, guildId, 'us', [{ realm: 'r', nameKey: 'n' }]);
      await expectPair(members, field, false);
      // A guild that did not name the character holds a copy too: it goes from there as well.
      await cache.setCharacterView(guildId, 'us', 'r', 'n', stored, 60, await claim());
      await dropCharacterResponses(redis, keys, { region: 'us', realm: 'r', nameKey: 'n' }, []);
      await expectPair(members, field, false);
    } finally {
      await redis.del(members, keys.characterViewGuilds('us', 'r', 'n'), keys.guildCharacterOwners(guildId), keys.guildUserResponses(guildId));
    }
  });

  describe('a character view computed before a drop is not stored after it', () => {
    const character = { region: 'us', realm: 'r', nameKey: 'n' };
    const view = storedJson({ name: 'Claimed' });
    const members = () => keys.guildMemberLookups(guildId);
    const read = () => cache.getCharacterView(guildId, 'r', 'n');
    const store = (claim: string | undefined) => cache.setCharacterView(guildId, 'us', 'r', 'n', view, 60, claim);
    afterEach(async () => {
      await redis.del(members(), keys.characterViewGuilds('us', 'r', 'n'), keys.guildResponsesVersion(guildId));
      clock.set('2026-12-08T12:00:00Z');
    });

    it('stores the view of a miss nothing dropped since, and leaves no claim behind', async () => {
      const miss = await read();
      expect(miss.body).to.equal(undefined);
      expect(miss.claim).to.be.a('string');
      expect(await redis.hget(members(), claimField(memberLookupField('r', 'n')))).to.equal(miss.claim);
      expect(await redis.ttl(members()), 'a claim alone still expires').to.be.within(1, 600);
      await store(miss.claim);
      const hit = await read();
      expect(hit.body?.bytes.equals(view.bytes)).to.equal(true);
      expect(hit.claim, 'a hit claims nothing').to.equal(undefined);
      expect(await redis.hexists(members(), claimField(memberLookupField('r', 'n')))).to.equal(0);
    });

    for (const [how, drop] of [
      ['a write about the character in a guild it names', () => dropCharacterResponses(redis, keys, character, [guildId])],
      ['a write about the character that names other guilds only', () => dropCharacterResponses(redis, keys, character, [guildId + 1])],
      ['a membership change of the guild', () => dropMemberResponses(redis, keys, guildId, 'us', [{ realm: 'r', nameKey: 'n' }])],
    ] as const) {
      it(`does not store it after ${how}`, async () => {
        // The copy the drop finds (under its guild's index) is the one stored before this read's miss.
        await store((await read()).claim);
        clock.advance(60_000);
        const miss = await read();
        expect(miss.body, 'expired in business time: a miss').to.equal(undefined);
        expect(miss.claim).to.be.a('string');
        await drop();
        await store(miss.claim);
        expect((await read()).body, 'the old body was not put back').to.equal(undefined);
      });
    }

    it('stores only the last of two misses that overlap', async () => {
      const first = await read();
      const second = await read();
      await store(first.claim);
      expect((await read()).body, 'the first claim was taken over').to.equal(undefined);
      const third = await read();
      await store(third.claim);
      expect((await read()).body?.bytes.equals(view.bytes)).to.equal(true);
      expect(second.claim).to.not.equal(third.claim);
    });

    it('serves a view until its end in business time and claims it from then on', async () => {
      await store((await read()).claim);
      clock.advance(59_999);
      expect((await read()).claim, 'a millisecond before its end').to.equal(undefined);
      clock.advance(1);
      const atEnd = await read();
      expect(atEnd.body).to.equal(undefined);
      expect(atEnd.claim, 'at its end').to.be.a('string');
    });

    it('claims nothing when Redis does not answer, so nothing computed then is stored', async () => {
      const down = new ResponseCache(failing, keys, metrics, clock);
      expect(await down.getCharacterView(guildId, 'r', 'n')).to.deep.equal({ body: undefined, claim: undefined });
    });
  });
});
