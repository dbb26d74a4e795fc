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

  it("a member's refresh changes every overview and its owner's \"my characters\" at once; other users' bodies and other members' views stay cached", async () => {
    // Members the first test left alone: one to regear, its owner, and another user with characters of their own.
    const untouched = guild.members.filter((m) => m.rankId > 0).slice(5);
    const regeared = untouched[0]!;
    const owner = regeared.bnetId;
    const other = untouched.find((m) => m.bnetId !== owner && m.bnetId !== gm().bnetId)!;
    const bystander = untouched.find((m) => m !== regeared && m !== other && m.bnetId !== owner)!;
    const as = (bnetId: number) => ({ headers: bearer(stack.sim.tokenFor(bnetId)) });
    const overviews = [`/guilds/${guild.id}/progress/members?limit=1000`, `/guilds/${guild.id}/progress/members?limit=1000&sort=name`];
    const mine = (bnetId: number) => call(`${url}/guilds/${guild.id}/progress/characters`, as(bnetId));
    const count = (name: string, kind: string) => metric(url, name, { kind });
    const ilvlIn = (body: { members: Array<{ character_name: string; current_ilvl: number }> }) =>
      body.members.find((m) => m.character_name === regeared.characterName)?.current_ilvl;

    // Everything cached before the change.
    for (const path of overviews) expect((await call(`${url}${path}`, as(gm().bnetId))).status).to.equal(200);
    for (const bnetId of [owner, other.bnetId]) expect((await mine(bnetId)).status).to.equal(200);
    expect((await view(bystander)).status).to.equal(200);
    const hitsBefore = { overview: await count('progress_cache_hits_total', 'overview'), characters: await count('progress_cache_hits_total', 'characters') };
    for (const path of overviews) await call(`${url}${path}`, as(gm().bnetId));
    const otherBefore = await mine(other.bnetId);
    expect(await count('progress_cache_hits_total', 'overview'), 'the overviews were cached').to.equal(hitsBefore.overview + 2);
    expect(await count('progress_cache_hits_total', 'characters'), "the other user's body was cached").to.equal(hitsBefore.characters + 1);

    const character = stack.sim.changeGear(guild.region, regeared.realmSlug, regeared.characterName);
    await characterRefreshJob.enqueue(stack.queues, { region: guild.region, realm: regeared.realmSlug, name: regeared.characterName, reason: 'webhook' }, { priority: PRIORITY.webhook });
    await waitForIdle(stack.queues);
    const ilvl = expectedItemLevel(character);

    // Never older than a fresh read: every overview shows the new item level, as one computed from scratch does.
    const shown = [];
    for (const path of overviews) {
      const reply = await call(`${url}${path}`, as(gm().bnetId));
      expect(ilvlIn(reply.body), path).to.equal(ilvl);
      shown.push(reply.text);
    }
    const ownerMine = await mine(owner);
    expect(ownerMine.body.characters.find((c: { character_name: string }) => c.character_name === regeared.characterName).current_ilvl).to.equal(ilvl);

    // What the change did not touch is still served from the cache, and is what a fresh read would give.
    const hitsAfter = { characters: await count('progress_cache_hits_total', 'characters'), character: await count('progress_cache_hits_total', 'character') };
    const otherAfter = await mine(other.bnetId);
    expect(await view(bystander)).to.have.property('status', 200);
    expect(await count('progress_cache_hits_total', 'characters'), "the other user's body stayed cached").to.equal(hitsAfter.characters + 1);
    expect(await count('progress_cache_hits_total', 'character'), "another member's view stayed cached").to.equal(hitsAfter.character + 1);
    expect(otherAfter.text).to.equal(otherBefore.text);
    const keys = new Keys(stack.config.redisPrefix);
    const redis = new Redis(REDIS_URL);
    try {
      await redis.unlink(keys.guildResponses(guild.id), keys.guildUserResponses(guild.id));
    } finally {
      redis.disconnect();
    }
    const fresh = await mine(other.bnetId);
    expect(fresh.text, "the other user's cached body is what a fresh read gives").to.equal(otherAfter.text);
    for (const [i, path] of overviews.entries()) {
      expect((await call(`${url}${path}`, as(gm().bnetId))).text, `${path} as computed from scratch`).to.equal(shown[i]);
    }
  });
});
