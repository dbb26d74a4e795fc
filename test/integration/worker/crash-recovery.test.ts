import { expect } from 'chai';
import { startWorker } from '../../../src/worker/runtime.js';
import { startChild, type ChildService } from '../../helpers/processes.js';
import { startStack, type Stack } from '../../helpers/stack.js';
import { forgetGuild } from '../../helpers/sql.js';
import { testLogger, uniqueId } from '../../helpers/test-env.js';
import { guildFingerprint, sql, syncFromGuildApi, waitFor, waitForIdle } from '../../helpers/worker.js';

const MEMBERS = 500;

const progressRows = async (guildId: number) =>
  Number(
    (
      await sql<{ n: string }>(
        `select count(*) as n from guild_memberships gm join character_progress p on p.character_id = gm.character_id
         where gm.guild_id = $1 and p.fetch_status = 'ok'`,
        [guildId],
      )
    )[0]?.n,
  );


describe('worker: SIGKILL in the middle of a sync', function () {
  this.timeout(90_000);
  const guildId = uniqueId();
  const realm = `hard-stop-${guildId}`;
  let stack: Stack;
  let child: ChildService | undefined;

  before(async () => {
    stack = await startStack({
      worker: false,
      simulator: { seed: guildId, world: { demo: false, guilds: [{ id: guildId, name: 'Hard Stop', realm, region: 'us', members: MEMBERS }] }, faults: { latencyMs: 20 } },
      env: { BLIZZARD_QUOTA_PER_SECOND: '2000', LOG_LEVEL: 'warn' },
    });
  });
  after(async () => {
    await child?.stop();
    await stack?.close();
  });

  it('ends with the same rows as an uninterrupted run', async () => {
    let recovered: string[] = [];
    child = await startChild('worker', stack.env);
    await syncFromGuildApi(stack.sim, stack.queues, guildId);
    await waitFor(async () => (await progressRows(guildId)) >= MEMBERS / 3 || undefined, 30_000, 'a third of the refreshes');
    child.signal('SIGKILL');
    await child.exited;
    const atKill = await progressRows(guildId);
    expect(atKill).to.be.below(MEMBERS);

    // Started again (here in-process) it finds the killed worker's jobs stalled and runs them again.
    const restarted = await startWorker(stack.config, testLogger(), { port: 0 });
    try {
      await waitForIdle(stack.queues, 45_000);
      recovered = await guildFingerprint(guildId);
      expect(recovered).to.have.length(MEMBERS);
      expect(await progressRows(guildId)).to.equal(MEMBERS);

      await forgetGuild(guildId, realm);
      await syncFromGuildApi(stack.sim, stack.queues, guildId);
      await waitForIdle(stack.queues, 45_000);
    } finally {
      await restarted.close();
    }
    expect(await guildFingerprint(guildId)).to.deep.equal(recovered);
    console.log(`      killed with ${atKill}/${MEMBERS} members refreshed; recovered to the same ${MEMBERS} rows as a clean run`);
  });
});
