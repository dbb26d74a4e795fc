import { expect } from 'chai';
import { Redis } from 'ioredis';
import { Keys } from '../../../src/redis.js';
import { characterRefreshJob, PRIORITY } from '../../../src/queue/character-refresh.js';
import { findGuild, type SimGuild, type SimMembership } from '../../../src/sim/index.js';
import { startStack, type Stack } from '../../helpers/stack.js';
import { REDIS_URL } from '../../helpers/test-env.js';
import { expectedItemLevel, syncFromGuildApi, waitForIdle } from '../../helpers/worker.js';
import { bearer, call, expectError, isolatedGuild, metric } from './helpers.js';

describe('a guild sync drops only what changed', function () {
  this.timeout(90_000);
  let stack: Stack;
  let url: string;
  let guild: SimGuild;
  const spec = isolatedGuild(20);
  const gm = () => guild.members.find((m) => m.rankId === 0)!;
  const view = (m: SimMembership) =>
    call(`${url}/guilds/${guild.id}/progress/character/${encodeURIComponent(m.characterName)}?realm=${m.realmSlug}`, { headers: bearer(stack.sim.tokenFor(gm().bnetId)) });
  const hits = () => metric(url, 'progress_cache_hits_total', { kind: 'character' });

  before(async () => {
    stack = await startStack({ api: true, simulator: { seed: spec.id, world: { demo: false, guilds: [spec] } } });
    url = stack.api!.url;
    guild = findGuild(stack.sim.world, spec.id)!;
    expect((await call(`${url}/guilds/${guild.id}/progress/members`, { headers: bearer(stack.sim.tokenFor(gm().bnetId)) })).status).to.equal(200);
    await waitForIdle(stack.queues);
  });
  after(async () => {
    await stack?.close();
  });

  it('keeps character views of untouched members cache hits through a sync that adds, drops and regears others', async () => {
    const others = guild.members.filter((m) => m.rankId > 0);
    const [a, b, c, leaver, regeared] = others as [SimMembership, SimMembership, SimMembership, SimMembership, SimMembership];
    for (const m of [a, b, c, leaver]) expect((await view(m)).status).to.equal(200);
    const before = await hits();
    for (const m of [a, b, c]) expect((await view(m)).status).to.equal(200);
    expect(await hits(), 'cached before the sync').to.equal(before + 3);

    stack.sim.addMember(guild.id, { characterName: 'Freshface', bnetId: 991_001, rankId: 4 }, { alsoBattleNet: true });
    stack.sim.removeMember(guild.id, leaver.characterName);
    const character = stack.sim.changeGear(guild.region, regeared.realmSlug, regeared.characterName);
    await syncFromGuildApi(stack.sim, stack.queues, guild.id);
    await characterRefreshJob.enqueue(stack.queues, { region: guild.region, realm: regeared.realmSlug, name: regeared.characterName, reason: 'webhook' }, { priority: PRIORITY.webhook });
    await waitForIdle(stack.queues);

    const afterSync = await hits();
    for (const m of [a, b, c]) expect((await view(m)).status).to.equal(200);
    expect(await hits(), 'still cache hits after the sync and the gear refresh').to.equal(afterSync + 3);
    // What did change is not served from the cache (the api's copy of guild-api's roster is dropped too, as
    // guild-api's webhook about the leaver would).
    const redis = new Redis(REDIS_URL);
    await redis.unlink(new Keys(stack.config.redisPrefix).guildApiSnapshot(guild.id)).finally(() => redis.disconnect());
    expectError(await view(leaver), 404, 'character_not_found');
    const regearedView = await view(regeared);
    expect(regearedView.body.character.current_ilvl).to.equal(expectedItemLevel(character));
    const overview = await call(`${url}/guilds/${guild.id}/progress/members?limit=1000`, { headers: bearer(stack.sim.tokenFor(gm().bnetId)) });
    const names = overview.body.members.map((m: { character_name: string }) => m.character_name);
    expect(names).to.include('Freshface');
    expect(names).to.not.include(leaver.characterName);
  });
});
