import { expect } from 'chai';
import { findCharacter, findGuild } from '../../../src/sim/index.js';
import { formatNumber } from '../../../src/domain/format.js';
import { startStack, type Stack } from '../../helpers/stack.js';
import { expectedItemLevel, waitForIdle } from '../../helpers/worker.js';
import { bearer, call, expectError, isolatedGuild, metric, targetToday } from './helpers.js';

/** The documented progress message, spelled out here rather than taken from the code under test. */
function expectedMessage(current: number, target: number): string {
  const gap = Math.round((current - target) * 10) / 10;
  const figures = `Target: ${formatNumber(target)}, Current: ${formatNumber(current)}`;
  if (gap < 0) return `${formatNumber(-gap)} iLvl behind. ${figures}`;
  return gap > 0 ? `Ahead of schedule! ${figures}` : `On target! ${figures}`;
}

describe('character progress endpoints', function () {
  let stack: Stack;
  let url: string;
  const week = targetToday('us');
  const as = (bnetId: number) => ({ headers: bearer(stack.sim.tokenFor(bnetId)) });
  const ghostGuild = isolatedGuild(3);

  before(async () => {
    stack = await startStack({ api: true, simulator: { world: { guilds: [ghostGuild] } } });
    url = stack.api!.url;
  });
  after(async () => {
    await stack?.close();
  });

  describe('GET /guilds/:id/progress/characters', () => {
    it("lists the caller's characters in this guild only, never their alts in other guilds", async () => {
      const member = stack.sim.world.demoUsers.member;
      const first = await call(`${url}/guilds/1/progress/characters`, as(member));
      expect(first.status).to.equal(200);
      expect(first.body.characters.map((c: { character_name: string }) => c.character_name)).to.deep.equal(['Zúljín']);

      await waitForIdle(stack.queues);
      const reply = await call(`${url}/guilds/1/progress/characters`, as(member));
      expect(reply.body).to.include({ guild_id: 1, current_week: week.week, target_ilvl: week.targetIlvl });
      const [zuljin] = reply.body.characters;
      expect(zuljin.character_name).to.equal('Zúljín');
      expect(zuljin.progress.status).to.be.oneOf(['behind', 'ahead']);
      // Voljin is the same user's character in guild 2.
      const other = await call(`${url}/guilds/2/progress/characters`, as(member));
      expect(other.body.characters.map((c: { character_name: string }) => c.character_name)).to.deep.equal(['Voljin']);
    });

    it('shows every character of a user with several in the guild', async () => {
      await waitForIdle(stack.queues);
      const gm = await call(`${url}/guilds/1/progress/characters`, as(stack.sim.world.demoUsers.guildMaster));
      expect(gm.body.characters.map((c: { character_name: string }) => c.character_name).sort()).to.deep.equal(['Gallybank', 'Gallyboss']);
      expect(gm.body).to.not.have.property('message');
    });
  });

  describe('GET /guilds/:id/progress/character/:name', () => {
    it("compares the character's item level with this week's target, with the exact message", async () => {
      const sim = findCharacter(stack.sim.world, 'us', 'bleeding-hollow', 'Gallyboss')!;
      const reply = await call(`${url}/guilds/1/progress/character/gallyboss?realm=bleeding-hollow`, as(stack.sim.world.demoUsers.member));
      expect(reply.status).to.equal(200);
      const ilvl = expectedItemLevel(sim);
      const { character } = reply.body;
      expect(character).to.include({ character_name: 'Gallyboss', realm: 'bleeding-hollow', region: 'us', class_name: 'Warrior', spec: 'Protection', role: 'Tank', current_ilvl: ilvl, stale: false });
      expect(character.progress).to.deep.equal({
        target_ilvl: week.targetIlvl,
        current_week: week.week,
        gap: Math.round((ilvl - week.targetIlvl) * 10) / 10,
        status: ilvl >= week.targetIlvl ? 'ahead' : 'behind',
        status_label: ilvl >= week.targetIlvl ? 'On Track' : 'Behind',
        message: expectedMessage(ilvl, week.targetIlvl),
      });
      expect(reply.body).to.include({ target_ilvl: week.targetIlvl, current_week: week.week });
      expect(character.equipped_items).to.have.length(16);
      expect(character.audit).to.have.all.keys('missing_enchants', 'empty_sockets', 'empty_socket_slots', 'tier_pieces', 'below_quality');
    });

    it('says how far behind a behind character is', async () => {
      const sim = findCharacter(stack.sim.world, 'us', 'bleeding-hollow', 'Zúljín')!;
      const ilvl = expectedItemLevel(sim);
      const reply = await call(`${url}/guilds/1/progress/character/Z%C3%BAlj%C3%ADn?realm=bleeding-hollow`, as(stack.sim.world.demoUsers.member));
      expect(reply.status).to.equal(200);
      expect(reply.body.character.progress.status).to.equal('behind');
      expect(reply.body.character.progress.message).to.equal(expectedMessage(ilvl, week.targetIlvl));
      expect(reply.body.character.progress.message).to.match(/^\d+(\.\d)? iLvl behind\. Target: \d+(\.\d)?, Current: \d+(\.\d)?$/);
    });

    it('lists the 16 gear priorities lowest item level first', async () => {
      const reply = await call(`${url}/guilds/1/progress/character/Sprocketta?realm=bleeding-hollow`, as(stack.sim.world.demoUsers.officer));
      const priorities: Array<{ slot: string; ilvl: number; below_average_by: number }> = reply.body.gear_priorities;
      expect(priorities).to.have.length(16);
      const levels = priorities.map((p) => p.ilvl);
      expect(levels).to.deep.equal([...levels].sort((a, b) => a - b));
      const current = reply.body.character.current_ilvl as number;
      for (const p of priorities) expect(p.below_average_by).to.be.closeTo(current - p.ilvl, 0.051);
      expect(priorities[0]).to.have.all.keys('slot', 'item_name', 'ilvl', 'below_average_by', 'track', 'current_ilvl', 'target_ilvl', 'source', 'upgrade_priority');
    });

    it('lists a bow, which fills both hands, once: as the main hand, with no off hand to fill', async () => {
      const reply = await call(`${url}/guilds/1/progress/character/Z%C3%BAlj%C3%ADn?realm=bleeding-hollow`, as(stack.sim.world.demoUsers.member));
      const slots: string[] = reply.body.gear_priorities.map((p: { slot: string }) => p.slot);
      const hands = reply.body.character.equipped_items.filter((i: { slot: string }) => i.slot.endsWith('_hand'));
      expect(hands.map((i: { slot: string; item_id: number | null }) => [i.slot, i.item_id !== null])).to.deep.equal([['main_hand', true], ['off_hand', false]]);
      expect(slots).to.have.length(15);
      expect(slots.filter((slot) => slot === 'main_hand')).to.have.length(1);
      expect(slots).to.not.include('off_hand');
    });

    it('answers 404 for a character that is not a member of the guild, whoever owns it', async () => {
      const user = stack.sim.world.demoUsers.member;
      for (const path of ['Nosuchperson?realm=bleeding-hollow', 'Thrall?realm=area-52', 'Gallyboss?realm=area-52']) {
        expectError(await call(`${url}/guilds/1/progress/character/${path}`, as(user)), 404, 'character_not_found');
      }
    });

    it('answers 404 for a member guild-api lists but Battle.net does not know', async () => {
      const guild = findGuild(stack.sim.world, ghostGuild.id)!;
      const owner = guild.members[0]!.bnetId;
      guild.members.push({ characterName: 'Nobodyhome', realmSlug: guild.realm.slug, bnetId: owner, rankId: 6 });
      const reply = await call(`${url}/guilds/${guild.id}/progress/character/Nobodyhome?realm=${guild.realm.slug}`, as(owner));
      expectError(reply, 404, 'character_not_found');
      expectError(await call(`${url}/guilds/${guild.id}/progress/character/nobodyhome?realm=${guild.realm.slug}`, as(owner)), 404, 'character_not_found');
    });

    it('serves the second read from the cache (the hit counter moves)', async () => {
      const user = stack.sim.world.demoUsers.guildMaster;
      const path = `${url}/guilds/1/progress/character/Gallybank?realm=bleeding-hollow`;
      const first = await call(path, as(user));
      expect(first.status).to.equal(200);
      const hits = await metric(url, 'progress_cache_hits_total', { kind: 'character' });
      const second = await call(path, as(user));
      expect(second.body).to.deep.equal(first.body);
      expect(await metric(url, 'progress_cache_hits_total', { kind: 'character' })).to.equal(hits + 1);
    });

    it('fetches a character on its first read, with a hundred concurrent readers costing one Battle.net fetch', async () => {
      const guild = findGuild(stack.sim.world, 3)!;
      const member = guild.members[guild.members.length - 1]!;
      const profilePath = `/blizzard/eu/profile/wow/character/${member.realmSlug}/${member.characterName.toLowerCase()}`;
      const before = stack.sim.counters().blizzard.byPath[profilePath] ?? 0;
      const path = `${url}/guilds/3/progress/character/${encodeURIComponent(member.characterName)}?realm=${member.realmSlug}`;
      const replies = await Promise.all(Array.from({ length: 100 }, () => call(path, as(member.bnetId))));
      expect(replies.map((r) => r.status)).to.deep.equal(Array(100).fill(200));
      expect(new Set(replies.map((r) => r.body.character.current_ilvl)).size).to.equal(1);
      await waitForIdle(stack.queues);
      expect((stack.sim.counters().blizzard.byPath[profilePath] ?? 0) - before).to.equal(1);
    });
  });
});
