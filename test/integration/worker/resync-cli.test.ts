import { spawn } from 'node:child_process';
import { expect } from 'chai';
import { childEnv } from '../../helpers/processes.js';
import { startStack, type Stack } from '../../helpers/stack.js';
import { uniqueId } from '../../helpers/test-env.js';
import { syncFromGuildApi, waitForIdle } from '../../helpers/worker.js';

function runResync(env: Record<string, string>, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/resync-guild.ts', ...args], {
      env: childEnv({ ...env, LOG_LEVEL: 'warn' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => resolve({ code, output }));
  });
}

describe('npm run resync -- --guild <id>', function () {
  this.timeout(30_000);
  const guildId = uniqueId();
  let stack: Stack;

  before(async () => {
    stack = await startStack({
      simulator: { seed: guildId, world: { demo: false, guilds: [{ id: guildId, name: 'Cli Crew', realm: `cli-${guildId}`, region: 'us', members: 15 }] } },
      env: { CHARACTER_CACHE_TTL: '1' },
    });
    await syncFromGuildApi(stack.sim, stack.queues, guildId);
    await waitForIdle(stack.queues);
    await new Promise((resolve) => setTimeout(resolve, 1100));
  });
  after(async () => {
    await stack?.close();
  });

  it('queues a sync of a tracked guild and reports refreshes until none remain', async () => {
    const { code, output } = await runResync(stack.env, ['--guild', String(guildId)]);
    // The CLI has no guild-api members to pass, so the sync reads Battle.net's roster alone and keeps the rest.
    expect(output).to.match(/synced: \d+ members, 0 left, 15 refreshes queued/);
    expect(output.trim().split('\n').at(-1)).to.equal('0 of 15 refreshes remaining');
    expect(code).to.equal(0);
  });

  it('refuses a guild that is not tracked', async () => {
    const { code, output } = await runResync(stack.env, ['--guild', String(uniqueId())]);
    expect(code).to.equal(1);
    expect(output).to.match(/is not tracked/);
  });
});
