import { expect } from 'chai';
import { Redis } from 'ioredis';
import { ManualClock } from '../../../src/clock.js';
import { syncAllTrackedJob } from '../../../src/queue/guild-sync.js';
import { Keys } from '../../../src/redis.js';
import { findGuild, type SimGuild } from '../../../src/sim/index.js';
import { startStack, type Stack } from '../../helpers/stack.js';
import { REDIS_URL } from '../../helpers/test-env.js';
import { waitForIdle } from '../../helpers/worker.js';
import { bearer, call, expectError, isolatedGuild } from './helpers.js';

describe('a character Battle.net does not know stays unknown for NOT_FOUND_CACHE_TTL', function () {
  this.timeout(120_000);
  let stack: Stack;
  let url: string;
  let guild: SimGuild;
  const clock = new ManualClock(Date.now());
  const spec = isolatedGuild(6);
  const ghost = 'Nobodyhome';
  const ghostOwner = 996_000 + (spec.id % 1000);
  const gm = () => guild.members.find((m) => m.rankId === 0)!.bnetId;
  const ghostCalls = () =>
    Object.entries(stack.sim.counters().blizzard.byPath).filter(([path]) => path.endsWith(`/${ghost.toLowerCase()}`) || path.includes(`/${ghost.toLowerCase()}/`)).reduce((n, [, c]) => n + c, 0);
  const mine = () => call(`${url}/guilds/${guild.id}/progress/characters`, { headers: bearer(stack.sim.tokenFor(ghostOwner)) });

  before(async () => {
    stack = await startStack({
      api: true,
      clock,
      simulator: { seed: spec.id, world: { demo: false, guilds: [spec] } },
      env: { NOT_FOUND_CACHE_TTL: '600', CHARACTER_CACHE_TTL: '60' },
    });
    url = stack.api!.url;
    guild = findGuild(stack.sim.world, spec.id)!;
    // guild-api lists a character Battle.net has never heard of (a typo, a deleted character).
    guild.members.push({ characterName: ghost, realmSlug: guild.realm.slug, bnetId: ghostOwner, rankId: 3 });
  });
  after(async () => {
    await stack?.close();
  });

  it('is fetched once, then "my characters" shows it as not found on every load without another call', async () => {
    expect((await mine()).status).to.equal(200);
    await waitForIdle(stack.queues);
    const first = ghostCalls();
    expect(first, 'the first look asks Battle.net').to.be.greaterThan(0);

    for (let i = 0; i < 6; i += 1) {
      const reply = await mine();
      expect(reply.status).to.equal(200);
      const [character] = reply.body.characters;
      expect(character.character_name).to.equal(ghost);
      expect(character.progress.status).to.equal('unknown');
      expect(character.progress.status_label).to.equal('Not found');
      expect(character.progress.message).to.match(/does not know/);
      expect(character.progress.message).to.not.match(/being fetched/);
    }
    await waitForIdle(stack.queues);
    expect(ghostCalls()).to.equal(first);
  });

  it('costs no call through the character view, the overview or the guild fan-out within the window', async () => {
    await waitForIdle(stack.queues);
    const before = ghostCalls();
    const view = await call(`${url}/guilds/${guild.id}/progress/character/${ghost}?realm=${guild.realm.slug}`, { headers: bearer(stack.sim.tokenFor(gm())) });
    expectError(view, 404, 'character_not_found');
    const overview = await call(`${url}/guilds/${guild.id}/progress/members?limit=1000`, { headers: bearer(stack.sim.tokenFor(gm())) });
    expect(overview.body.members.find((m: { character_name: string }) => m.character_name === ghost)?.status).to.equal('unknown');

    // Past CHARACTER_CACHE_TTL, so the sync refreshes everyone else, but within NOT_FOUND_CACHE_TTL.
    clock.advance(120_000);
    const othersBefore = stack.sim.counters().blizzard.requests;
    await syncAllTrackedJob.enqueue(stack.queues, {});
    await waitForIdle(stack.queues);
    expect(stack.sim.counters().blizzard.requests, 'the other members were refreshed').to.be.greaterThan(othersBefore);
    expect(ghostCalls()).to.equal(before);
  });

  it('is asked for again once the window has passed', async () => {
    const before = ghostCalls();
    clock.advance(600_000);
    expect((await mine()).status).to.equal(200);
    await waitForIdle(stack.queues);
    expect(ghostCalls()).to.be.greaterThan(before);
  });
});

describe('"my characters" while guild-api cannot be read', function () {
  this.timeout(60_000);
  let stack: Stack;
  let url: string;
  let guild: SimGuild;
  const spec = isolatedGuild(4);

  before(async () => {
    // No worker: the guild is never synced, so no membership exists.
    stack = await startStack({ api: true, worker: false, simulator: { seed: spec.id, world: { demo: false, guilds: [spec] } } });
    url = stack.api!.url;
    guild = findGuild(stack.sim.world, spec.id)!;
  });
  after(async () => {
    await stack?.close();
  });

  it('answers 503 guild_api_unavailable when there are no memberships yet, not "You have no characters in this guild"', async () => {
    const member = guild.members[0]!;
    const mine = () => call(`${url}/guilds/${guild.id}/progress/characters`, { headers: bearer(stack.sim.tokenFor(member.bnetId)) });
    const first = await mine();
    expect(first.status).to.equal(200);
    expect(first.body.characters.map((c: { character_name: string }) => c.character_name)).to.include(member.characterName);

    // The permission stays cached; guild-api's roster snapshot is gone and guild-api is down.
    const redis = new Redis(REDIS_URL);
    try {
      await redis.unlink(new Keys(stack.config.redisPrefix).guildApiSnapshot(guild.id), new Keys(stack.config.redisPrefix).guildResponses(guild.id));
    } finally {
      redis.disconnect();
    }
    stack.sim.setFaults({ guildApiDown: true });
    expectError(await mine(), 503, 'guild_api_unavailable');
  });
});
