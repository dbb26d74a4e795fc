import { expect } from 'chai';
import { findGuild, type SimGuild } from '../../../src/sim/index.js';
import { startStack, type Stack } from '../../helpers/stack.js';
import { expectedItemLevel, waitFor, waitForIdle } from '../../helpers/worker.js';
import { findCharacter } from '../../../src/sim/index.js';
import { bearer, call, expectError, isolatedGuild, sleep } from './helpers.js';

/** Freshness is two seconds here, so a test can watch data go stale. */
const TTL_SECONDS = 2;

describe('character view freshness: stale data, refreshes and Battle.net outages', function () {
  let stack: Stack;
  let url: string;
  let calm: SimGuild;
  let stormy: SimGuild;
  let slow: SimGuild;
  const guildSpecs = [isolatedGuild(4), isolatedGuild(4), isolatedGuild(3)];

  before(async () => {
    stack = await startStack({
      api: true,
      simulator: { seed: 4242, world: { demo: false, guilds: guildSpecs } },
      env: { CHARACTER_CACHE_TTL: String(TTL_SECONDS), CHARACTER_WAIT_MS: '1500' },
    });
    url = stack.api!.url;
    calm = findGuild(stack.sim.world, guildSpecs[0]!.id)!;
    stormy = findGuild(stack.sim.world, guildSpecs[1]!.id)!;
    slow = findGuild(stack.sim.world, guildSpecs[2]!.id)!;
  });
  after(async () => {
    await stack?.close();
  });

  const view = (guild: SimGuild, name: string) =>
    call(`${url}/guilds/${guild.id}/progress/character/${encodeURIComponent(name)}?realm=${guild.realm.slug}`, {
      headers: bearer(stack.sim.tokenFor(guild.members[0]!.bnetId)),
    });

  it('serves data past its freshness at once, flagged stale, and has it refreshed', async () => {
    const name = calm.members[1]!.characterName;
    const first = await view(calm, name);
    expect(first.status).to.equal(200);
    expect(first.body.character.stale).to.equal(false);

    const changed = stack.sim.changeGear('us', calm.realm.slug, name);
    await sleep(TTL_SECONDS * 1000 + 200);
    const stale = await view(calm, name);
    expect(stale.status).to.equal(200);
    expect(stale.body.character).to.include({ stale: true, current_ilvl: first.body.character.current_ilvl });
    expect(stale.body.character).to.not.have.property('notice');

    await waitForIdle(stack.queues);
    const fresh = await view(calm, name);
    expect(fresh.body.character).to.include({ stale: false, current_ilvl: expectedItemLevel(changed) });
  });

  it('keeps serving the last good data with a notice while Battle.net is down', async () => {
    const name = calm.members[2]!.characterName;
    // Nothing in flight when Battle.net goes down (a refresh begun before would land after), and the row just
    // refreshed, so reading it queues nothing.
    await view(calm, name);
    await waitForIdle(stack.queues);
    const good = await view(calm, name);
    expect(good.status).to.equal(200);
    stack.sim.setFaults({ outage: true });
    try {
      await sleep(TTL_SECONDS * 1000 + 200);
      const noticed = await waitFor(async () => {
        const reply = await view(calm, name);
        return reply.body.character?.notice ? reply : undefined;
      }, 10_000, 'the failed refresh to be noticed');
      expect(noticed.status).to.equal(200);
      expect(noticed.body.character).to.include({ stale: true, current_ilvl: good.body.character.current_ilvl, fetched_at: good.body.character.fetched_at });
      expect(noticed.body.character.notice).to.match(/could not be refreshed/i).and.match(/Battle\.net/);
    } finally {
      stack.sim.resetFaults();
    }
  });

  it('answers 503 upstream_unavailable for a character it has no data for while Battle.net is down', async () => {
    stack.sim.setFaults({ outage: true });
    try {
      const name = stormy.members[3]!.characterName;
      expectError(await view(stormy, name), 503, 'upstream_unavailable');
    } finally {
      stack.sim.resetFaults();
    }
    const name = stormy.members[3]!.characterName;
    const recovered = await waitFor(async () => {
      const reply = await view(stormy, name);
      return reply.status === 200 ? reply : undefined;
    }, 20_000, 'the character to be fetched once Battle.net is back');
    expect(recovered.body.character.current_ilvl).to.equal(expectedItemLevel(findCharacter(stack.sim.world, 'us', stormy.realm.slug, name)!));
  });

  it('answers 202 pending with Retry-After when the first fetch outlasts the wait, then 200 once it is done', async () => {
    const name = slow.members[2]!.characterName;
    stack.sim.setFaults({ latencyMs: 2500 });
    try {
      const pending = await view(slow, name);
      expect(pending.status).to.equal(202);
      expect(pending.body).to.deep.equal({ status: 'pending' });
      expect(Number(pending.headers.get('retry-after'))).to.be.greaterThan(0);
    } finally {
      stack.sim.resetFaults();
    }
    const done = await waitFor(async () => {
      const reply = await view(slow, name);
      return reply.status === 200 ? reply : undefined;
    }, 15_000, 'the slow fetch to finish');
    expect(done.body.character.character_name).to.equal(name);
  });
});
