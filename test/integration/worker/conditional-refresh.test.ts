import { expect } from 'chai';
import { characterRefreshJob, PRIORITY } from '../../../src/queue/character-refresh.js';
import { findGuild, type SimCharacter, type SimGuild } from '../../../src/sim/index.js';
import { quotaClientKey } from '../../../src/worker/services.js';
import { startStack, type Stack } from '../../helpers/stack.js';
import { uniqueId } from '../../helpers/test-env.js';
import { expectedItemLevel, finished, sql, syncFromGuildApi, waitForIdle } from '../../helpers/worker.js';

interface Stored {
  item_level: number;
  equipped_items: unknown[];
  fetched_at: Date;
}

/**
 * A refresh asks Battle.net for the profile with If-Modified-Since first and, when it answers 304, does not ask
 * for the equipment: an unchanged character costs one call (counted against the quota like any other), a
 * changed one two.
 */
describe('worker: a refresh of an unchanged character costs one Battle.net call', function () {
  this.timeout(30_000);
  const guildId = uniqueId();
  const realm = `steady-${guildId}`;
  let stack: Stack;
  let guild: SimGuild;

  const refresh = async (c: SimCharacter) => {
    const job = await characterRefreshJob.enqueue(stack.queues, { region: 'us', realm: c.realm.slug, name: c.name, reason: 'manual' }, { priority: PRIORITY.reader });
    return finished<{ status: string }>(stack.queues.characterRefresh, job);
  };
  const storedOf = async (c: SimCharacter) =>
    (
      await sql<Stored>(
        `select p.item_level, p.equipped_items, p.fetched_at from characters c join character_progress p on p.character_id = c.id
         where c.region = 'us' and c.realm_slug = $1 and c.name_key = lower($2)`,
        [c.realm.slug, c.name],
      )
    )[0] as Stored;
  /** The hourly bucket's tokens: with a refill of 0.05 a second, each admitted request takes one. */
  const quotaTokens = async () => {
    const ctx = stack.worker!.ctx;
    const key = `${ctx.keys.quota(quotaClientKey(stack.config.blizzard.clientId))}:bucket`;
    return Number(await ctx.redis.hget(key, 'tokens'));
  };
  const perRefresh = async (result: string) => {
    const { values } = await stack.worker!.ctx.metrics.blizzardRequestsPerRefresh.get();
    const of = (name: string) => values.find((v) => v.metricName === name && v.labels.result === result)?.value ?? 0;
    return { count: of('progress_blizzard_requests_per_refresh_count'), sum: of('progress_blizzard_requests_per_refresh_sum') };
  };

  before(async () => {
    stack = await startStack({
      simulator: { seed: guildId, world: { demo: false, guilds: [{ id: guildId, name: 'Steady Hands', realm, region: 'us', members: 3 }] } },
      // 3,600 an hour with 95 % of it as the bucket: the bucket refills by 0.05 a second, so its tokens count admissions.
      env: { BLIZZARD_QUOTA_PER_HOUR: '3600', BLIZZARD_QUOTA_BURST_SHARE: '0.95', ACTIVITY_REFRESH: 'false' },
    });
    guild = findGuild(stack.sim.world, guildId) as SimGuild;
    await syncFromGuildApi(stack.sim, stack.queues, guildId);
    await waitForIdle(stack.queues);
  });
  after(async () => {
    await stack?.close();
  });

  it('asks only for the profile when it answers 304, and records the fetch keeping the data', async () => {
    const character = guild.roster[0] as SimCharacter;
    const before = await storedOf(character);
    const metricBefore = await perRefresh('not_modified');
    const tokensBefore = await quotaTokens();
    stack.sim.resetCounters();

    expect(await refresh(character)).to.deep.equal({ status: 'not_modified' });

    const counters = stack.sim.counters().blizzard;
    expect(counters.requests).to.equal(1);
    expect(counters.notModified).to.equal(1);
    expect(Object.keys(counters.byPath)).to.deep.equal([`/blizzard/us/profile/wow/character/${realm}/${encodeURIComponent(character.name.toLowerCase())}`]);
    // The 304 was admitted by the quota gate like any request.
    expect(Math.round(tokensBefore - (await quotaTokens()))).to.equal(1);
    const after = await storedOf(character);
    expect(new Date(after.fetched_at).getTime()).to.be.greaterThan(new Date(before.fetched_at).getTime());
    expect(after.item_level).to.equal(before.item_level);
    expect(after.equipped_items).to.deep.equal(before.equipped_items);
    const metricAfter = await perRefresh('not_modified');
    expect(metricAfter.count - metricBefore.count).to.equal(1);
    expect(metricAfter.sum - metricBefore.sum).to.equal(1);
  });

  it('asks for the equipment after a changed profile: two calls, the new gear stored', async () => {
    const character = guild.roster[1] as SimCharacter;
    const before = await storedOf(character);
    stack.sim.changeGear('us', character.realm.slug, character.name);
    const metricBefore = await perRefresh('ok');
    const tokensBefore = await quotaTokens();
    stack.sim.resetCounters();

    expect(await refresh(character)).to.deep.equal({ status: 'ok' });

    const counters = stack.sim.counters().blizzard;
    expect(counters.requests).to.equal(2);
    expect(counters.notModified).to.equal(0);
    expect(Math.round(tokensBefore - (await quotaTokens()))).to.equal(2);
    const after = await storedOf(character);
    expect(after.item_level).to.equal(expectedItemLevel(character));
    expect(after.item_level).to.be.greaterThan(before.item_level);
    const metricAfter = await perRefresh('ok');
    expect(metricAfter.count - metricBefore.count).to.equal(1);
    expect(metricAfter.sum - metricBefore.sum).to.equal(2);
  });
});
