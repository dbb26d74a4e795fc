import { expect } from 'chai';
import { startWorker } from '../../src/worker/runtime.js';
import { startChild, type ChildService } from '../helpers/processes.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { forgetGuild } from '../helpers/sql.js';
import { testLogger } from '../helpers/test-env.js';
import { guildFingerprint, sql, syncFromGuildApi, waitForIdle } from '../helpers/worker.js';
import { jobStates, ownGuild, sleep } from './support.js';

const MEMBERS = 400;
const KILLS = 6;

/** Rows of every table the sync and its refreshes write, for this guild's realm. */
async function rowCounts(guildId: number, realm: string) {
  const [row] = await sql<Record<string, string>>(
    `select
       (select count(*) from characters where region = 'us' and realm_slug = $2) as characters,
       (select count(distinct (region, realm_slug, name_key)) from characters where region = 'us' and realm_slug = $2) as distinct_characters,
       (select count(*) from guild_memberships where guild_id = $1) as memberships,
       (select count(*) from character_progress p join characters c on c.id = p.character_id where c.realm_slug = $2 and p.fetch_status = 'ok') as progress,
       (select count(*) from item_level_history h join characters c on c.id = h.character_id where c.realm_slug = $2) as history,
       (select count(*) from guilds where id = $1) as guilds`,
    [guildId, realm],
  );
  return Object.fromEntries(Object.entries(row ?? {}).map(([k, v]) => [k, Number(v)]));
}


/**
 * The worker is killed with SIGKILL six times at random moments while it syncs a 400-member guild, and
 * restarted each time. Jobs held by a killed worker come back once their locks lapse; every write is an
 * idempotent upsert. Afterwards the projections must equal those of an uninterrupted run.
 */
describe('fault: worker SIGKILL six times during a 400-member sync', function () {
  this.timeout(560_000);
  const spec = ownGuild(MEMBERS, 'Hard Stop');
  let stack: Stack;
  let child: ChildService | undefined;

  before(async () => {
    stack = await startStack({
      worker: false,
      // Slow enough answers that the sync spans several kills.
      simulator: { seed: spec.id, world: { demo: false, guilds: [spec] }, faults: { latencyMs: 120 } },
      env: { BLIZZARD_QUOTA_PER_SECOND: '2000', LOG_LEVEL: 'warn' },
    });
  });
  after(async () => {
    await child?.stop();
    await stack?.close();
  });

  it('ends with exactly the rows of an uninterrupted run: none lost, none duplicated', async () => {
    const schedule: string[] = [];
    child = await startChild('worker', stack.env);
    await syncFromGuildApi(stack.sim, stack.queues, spec.id);
    let kills = 0;
    while (kills < KILLS) {
      const progress = (await rowCounts(spec.id, spec.realm)).progress ?? 0;
      if (progress >= MEMBERS) break;
      const lifeMs = 300 + Math.floor(Math.random() * 900);
      await sleep(lifeMs);
      child.signal('SIGKILL');
      await child.exited;
      kills += 1;
      schedule.push(`kill ${kills} after ${lifeMs} ms at ${progress}/${MEMBERS} refreshed`);
      child = await startChild('worker', stack.env);
    }
    expect(kills, `the sync outlived the kills (${schedule.join('; ')})`).to.equal(KILLS);

    // Jobs held by the dead workers return when their locks lapse (about 10-15 s).
    await waitForIdle(stack.queues, 90_000);
    await child.stop();
    child = undefined;
    const states = await Promise.all(Object.values(stack.queues).map(jobStates));
    expect(states.map((s) => s.failed ?? 0), `failed jobs (${schedule.join('; ')})`).to.deep.equal(states.map(() => 0));
    const interrupted = await guildFingerprint(spec.id);
    const counts = await rowCounts(spec.id, spec.realm);
    expect(counts, schedule.join('; ')).to.deep.equal({
      characters: MEMBERS,
      distinct_characters: MEMBERS,
      memberships: MEMBERS,
      progress: MEMBERS,
      history: MEMBERS,
      guilds: 1,
    });

    // The same sync from scratch, with nothing killed.
    await forgetGuild(spec.id, spec.realm);
    stack.sim.setFaults({ latencyMs: 0 });
    const clean = await startWorker(stack.config, testLogger(), { port: 0, schedule: false });
    try {
      await syncFromGuildApi(stack.sim, stack.queues, spec.id);
      await waitForIdle(stack.queues, 60_000);
    } finally {
      await clean.close();
    }
    expect(await rowCounts(spec.id, spec.realm)).to.deep.equal(counts);
    expect(await guildFingerprint(spec.id)).to.deep.equal(interrupted);
    console.log(`      ${schedule.join('; ')}; recovered to the same ${MEMBERS} rows as a clean run`);
  });
});
