import { expect } from 'chai';
import { characterRefreshJob, PRIORITY } from '../../../src/queue/character-refresh.js';
import { SIM_CREDENTIALS, findGuild, type SimGuild } from '../../../src/sim/index.js';
import { leaksOf, LogCapture } from '../../helpers/log-capture.js';
import { startStack, type Stack } from '../../helpers/stack.js';
import { uniqueId } from '../../helpers/test-env.js';
import { syncFromGuildApi, waitForIdle } from '../../helpers/worker.js';

describe('worker: job log lines', function () {
  this.timeout(20_000);
  const guildId = uniqueId();
  const logs = new LogCapture();
  let stack: Stack;
  let guild: SimGuild;

  before(async () => {
    stack = await startStack({
      logger: logs.logger('debug'),
      simulator: { seed: guildId, world: { demo: false, guilds: [{ id: guildId, name: 'Loud Talkers', realm: `loud-${guildId}`, region: 'us', members: 5 }] } },
    });
    guild = findGuild(stack.sim.world, guildId) as SimGuild;
    await syncFromGuildApi(stack.sim, stack.queues, guildId);
    const character = guild.roster[0];
    if (!character) throw new Error('no character');
    await characterRefreshJob.enqueue(stack.queues, { region: 'us', realm: character.realm.slug, name: character.name, guildId, reason: 'miss' }, { priority: PRIORITY.reader });
    await waitForIdle(stack.queues);
  });
  after(async () => {
    await stack?.close();
  });

  it('writes one line per job with its id, queue, guild, character and outcome', () => {
    const done = logs.records().filter((r) => r.msg === 'job done');
    const sync = done.filter((r) => r.queue === 'guild-sync');
    expect(sync).to.have.length(1);
    expect(sync[0]).to.include({ guildId, outcome: 'ok', attempt: 1 });
    const refreshes = done.filter((r) => r.queue === 'character-refresh');
    expect(new Set(refreshes.map((r) => r.jobId)).size).to.equal(refreshes.length);
    const waited = refreshes.find((r) => r.guildId === guildId);
    expect(waited?.character).to.equal(`us/${guild.roster[0]?.realm.slug}/${guild.roster[0]?.name}`);
    expect(waited?.durationMs).to.be.a('number');
  });

  it('never logs upstream credentials or tokens', () => {
    const lines = logs.lines();
    expect(leaksOf(lines, { clientSecret: SIM_CREDENTIALS.clientSecret })).to.deep.equal([]);
    expect(lines.filter((l) => /bearer|authorization/i.test(l))).to.deep.equal([]);
  });
});
