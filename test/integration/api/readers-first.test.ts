import { expect } from 'chai';
import { findGuild, type SimGuild, type SimMembership } from '../../../src/sim/index.js';
import { startStack, type Stack } from '../../helpers/stack.js';
import { sql, waitFor, waitForIdle } from '../../helpers/worker.js';
import { bearer, call, isolatedGuild, sleep } from './helpers.js';

const READER_BOUND_MS = 8000;

describe('readers first: a character someone is waiting on is fetched next', function () {
  this.timeout(240_000);
  let stack: Stack;
  let url: string;
  let guild: SimGuild;
  const spec = isolatedGuild(1000);
  const fetched = async () =>
    Number((await sql<{ n: string }>(
      `select count(*) as n from guild_memberships gm join character_progress p on p.character_id = gm.character_id
       where gm.guild_id = $1 and p.fetch_status = 'ok'`,
      [spec.id],
    ))[0]?.n ?? 0);

  before(async () => {
    stack = await startStack({
      api: true,
      simulator: { seed: spec.id, world: { demo: false, guilds: [spec] } },
      // Twice Battle.net's own rate, so the suite waits less for the end: the 1,000-member fan-out (two requests
      // a member) still takes ~10 s, longer than a reader may wait, so a reader served at its end fails both bounds.
      env: { BLIZZARD_QUOTA_PER_SECOND: '200' },
    });
    url = stack.api!.url;
    guild = findGuild(stack.sim.world, spec.id)!;
  });
  after(async () => {
    await stack?.close();
  });

  /** Asks for the character view the way a client does: on 202, again after Retry-After. */
  async function readUntilServed(member: SimMembership): Promise<{ ms: number; polls: number }> {
    const started = performance.now();
    for (let polls = 1; ; polls += 1) {
      const reply = await call(`${url}/guilds/${guild.id}/progress/character/${encodeURIComponent(member.characterName)}?realm=${member.realmSlug}`, {
        headers: bearer(stack.sim.tokenFor(member.bnetId)),
      });
      if (reply.status === 200) return { ms: performance.now() - started, polls };
      expect(reply.status, reply.text.slice(0, 200)).to.equal(202);
      if (performance.now() - started > 60_000) throw new Error(`${member.characterName} still pending after a minute`);
      await sleep(Number(reply.headers.get('retry-after')) * 1000);
    }
  }

  it(`serves three readers within ${READER_BOUND_MS / 1000} s while a 1,000-member fan-out has just started, one fetch each`, async () => {
    const gm = guild.members.find((m) => m.rankId === 0)!;
    expect((await call(`${url}/guilds/${guild.id}/progress/members`, { headers: bearer(stack.sim.tokenFor(gm.bnetId)) })).status).to.equal(200);
    // The fan-out has started: refreshes are queued and the first characters are arriving.
    await waitFor(async () => (await fetched()) > 0, 60_000, 'the fan-out to start');

    // The members the fan-out reaches last (it goes in character order, which follows the names).
    const readers = [...guild.members].sort((a, b) => (a.characterName.toLowerCase() < b.characterName.toLowerCase() ? 1 : -1)).slice(0, 3);
    const results = await Promise.all(readers.map(readUntilServed));
    const doneWhenServed = await fetched();

    for (const [i, r] of results.entries()) expect(r.ms, `${readers[i]!.characterName} after ${r.polls} polls`).to.be.below(READER_BOUND_MS);
    expect(doneWhenServed, 'the readers went ahead of the fan-out').to.be.below(900);

    await waitForIdle(stack.queues, 180_000);
    expect(await fetched()).to.equal(1000);
    const byPath = stack.sim.counters().blizzard.byPath;
    for (const r of readers) {
      const profile = Object.entries(byPath).filter(([p]) => p.endsWith(`/character/${r.realmSlug}/${encodeURIComponent(r.characterName.toLowerCase())}`));
      expect(profile.reduce((n, [, c]) => n + c, 0), `${r.characterName} fetched once`).to.equal(1);
    }
  });
});
