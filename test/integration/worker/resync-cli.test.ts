import { spawn } from 'node:child_process';
import { expect } from 'chai';
import { childEnv } from '../../helpers/processes.js';
import { startStack, type Stack } from '../../helpers/stack.js';
import { uniqueId } from '../../helpers/test-env.js';
import { openOrm } from '../../../src/db/orm.js';
import { storeGuildApiRoster } from '../../../src/db/tables/guild-api-rosters.js';
import { membershipEventJob, type WebhookEvent } from '../../../src/queue/membership-event.js';
import { testDatabaseUrl } from '../../helpers/test-env.js';
import { guildApiListOf, sql, syncFromGuildApi, waitForIdle } from '../../helpers/worker.js';

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

  it('counts the members the overview counts, not the length of the guild-api list the sync applied', async () => {
    // guild-api's list was read a moment before a member left; the leave, newer than the list, stands, so the
    // guild has one member fewer than the list names.
    const list = guildApiListOf(stack.sim, guildId);
    const leaver = list[0]!;
    const readAt = new Date(Date.now() - 200);
    await membershipEventJob.enqueue(stack.queues, {
      id: `evt-${uniqueId()}`, type: 'member.left', guild_id: guildId, occurred_at: new Date().toISOString(),
      data: { character_name: leaver.characterName, bnet_id: leaver.bnetId ?? 0 },
    } as WebhookEvent);
    await waitForIdle(stack.queues);
    const orm = await openOrm({ databaseUrl: testDatabaseUrl(), poolMax: 1 });
    try {
      await storeGuildApiRoster(orm, guildId, list, readAt);
    } finally {
      await orm.close(true);
    }

    const { code, output } = await runResync(stack.env, ['--guild', String(guildId)]);
    const [overview] = await sql<{ total: string }>('select count(*) as total from guild_memberships where guild_id = $1 and left_at is null', [guildId]);
    expect(Number(overview?.total)).to.equal(list.length - 1);
    expect(output).to.contain(`synced: ${list.length - 1} members, 0 left`);
    expect(code).to.equal(0);
  });

  it('refuses a guild that is not tracked', async () => {
    const { code, output } = await runResync(stack.env, ['--guild', String(uniqueId())]);
    expect(code).to.equal(1);
    expect(output).to.match(/is not tracked/);
  });
});
