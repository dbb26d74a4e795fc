import { expect } from 'chai';
import { dropGuildApiSnapshot } from '../../../src/cache/invalidate.js';
import { Keys } from '../../../src/redis.js';
import { findGuild } from '../../../src/sim/index.js';
import { suiteStack } from '../../helpers/stack.js';
import { waitFor } from '../../helpers/wait.js';
import { waitForIdle } from '../../helpers/worker.js';
import { bearer, call, isolatedGuild } from './helpers.js';

/**
 * Tracking a guild (guild-api's snapshot of it, its member list handed to the worker) is a step of the routes
 * that need it. Only a guild never tracked waits for guild-api on the request; after that, the snapshot is
 * taken again in the background whenever it is gone, and the request is answered from what is stored.
 */
describe('tracking a guild off the request path', function () {
  this.timeout(60_000);
  const spec = isolatedGuild(8);
  const suite = suiteStack({ api: true, simulator: { seed: spec.id, world: { demo: false, guilds: [spec] } } });
  const GUILD_API_LATENCY_MS = 1500;

  it('waits for guild-api on the first read of a guild only, and re-reads it in the background afterwards', async () => {
    const { stack } = suite;
    const guild = findGuild(stack.sim.world, spec.id)!;
    const gm = bearer(stack.sim.tokenFor(guild.members.find((m) => m.rankId === 0)!.bnetId));
    const snapshot = new Keys(stack.config.redisPrefix).guildApiSnapshot(spec.id);
    const redis = stack.api!.deps.redis;
    const overview = () => call(`${suite.url}/guilds/${spec.id}/progress/members?sort=name&limit=100`, { headers: gm });

    stack.sim.setFaults({ guildApiLatencyMs: GUILD_API_LATENCY_MS });
    try {
      // Never tracked: nothing stored can answer, so the first read waits for guild-api's list.
      const first = await overview();
      expect(first.status).to.equal(200);
      expect(first.ms, 'the first read waited for guild-api').to.be.at.least(GUILD_API_LATENCY_MS);
      expect(await redis.exists(snapshot)).to.equal(1);
      await waitForIdle(stack.queues);

      // The snapshot is gone (its minute passed, or a webhook dropped it) and guild-api lists a newcomer.
      stack.sim.addMember(spec.id, { characterName: 'Backgroundly', bnetId: 4_200_001, rankId: 4 });
      await redis.unlink(snapshot);
      const second = await overview();
      expect(second.status).to.equal(200);
      expect(second.body.members.map((m: { character_name: string }) => m.character_name)).to.not.include('Backgroundly');
      // Answered before guild-api was: the snapshot is stored only once guild-api has answered.
      expect(await redis.exists(snapshot), 'the answer did not wait for guild-api').to.equal(0);
      // Only what the stored membership cannot answer waits for the snapshot under way: the newcomer's own view.
      const newcomer = await call(`${suite.url}/guilds/${spec.id}/progress/character/Backgroundly?realm=${guild.realm.slug}`, {
        headers: bearer(stack.sim.tokenFor(4_200_001)),
      });
      expect(newcomer.status, newcomer.text.slice(0, 200)).to.be.oneOf([200, 202]);

      await stack.api!.deps.guildTracker.settled();
      expect(await redis.exists(snapshot)).to.equal(1);
      await waitForIdle(stack.queues);
      const third = await overview();
      expect(third.body.members.map((m: { character_name: string }) => m.character_name)).to.include('Backgroundly');
    } finally {
      stack.sim.setFaults({ guildApiLatencyMs: 0 });
    }
  });

  it('does not store a snapshot a webhook dropped while guild-api was answering, and takes it again on the next read', async () => {
    const { stack } = suite;
    const guild = findGuild(stack.sim.world, spec.id)!;
    const gm = bearer(stack.sim.tokenFor(guild.members.find((m) => m.rankId === 0)!.bnetId));
    const keys = new Keys(stack.config.redisPrefix);
    const snapshot = keys.guildApiSnapshot(spec.id);
    const redis = stack.api!.deps.redis;
    const overview = () => call(`${suite.url}/guilds/${spec.id}/progress/members?sort=name&limit=100`, { headers: gm });
    const membersAsked = () => stack.sim.counters().guildApi.byPath[`/guilds/${spec.id}/members`] ?? 0;

    stack.sim.setFaults({ guildApiLatencyMs: GUILD_API_LATENCY_MS });
    try {
      await redis.unlink(snapshot);
      const asked = membersAsked();
      expect((await overview()).status, 'answered from what is stored').to.equal(200);
      // guild-api has the request (the generation was read before it was sent) and has not answered yet.
      await waitFor(async () => membersAsked() > asked, 5000, 'guild-api to be asked for the members');
      await dropGuildApiSnapshot(redis, keys, spec.id);
      await stack.api!.deps.guildTracker.settled();
      expect(await redis.exists(snapshot), 'the answer that may predate the drop was not stored').to.equal(0);
    } finally {
      stack.sim.setFaults({ guildApiLatencyMs: 0 });
    }
    expect((await overview()).status).to.equal(200);
    await stack.api!.deps.guildTracker.settled();
    expect(await redis.exists(snapshot), 'taken again and stored').to.equal(1);
  });
});
