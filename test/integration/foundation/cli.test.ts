import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { MIGRATIONS } from '../../../src/db/migrations-list.js';
import { openOrm } from '../../../src/db/orm.js';
import { migratorOf } from '../../../src/db/migrate.js';
import { childEnv } from '../../helpers/processes.js';
import { sql } from '../../helpers/sql.js';
import { createDatabase, dropDatabase, testRun } from '../../helpers/test-env.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** A CLI as `npm run` starts it, against the given database, logging at info so any log record would show. */
function cli(entry: string, args: string[], databaseUrl: string): Promise<{ code: number | null; lines: string[] }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', `src/cli/${entry}.ts`, ...args], {
      cwd: ROOT,
      env: childEnv({ DATABASE_URL: databaseUrl, LOG_LEVEL: 'info' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => resolve({ code, lines: output.split('\n').filter(Boolean) }));
  });
}

async function scalar(url: string, text: string): Promise<string | undefined> {
  return (await sql<{ v: string }>(text, [], url))[0]?.v;
}

describe('command-line tools: mistakes answered in one line', function () {
  this.timeout(60_000);
  const name = `${testRun.databaseName}_cli`;
  let url: string;
  before(async () => {
    url = await createDatabase(name);
  });
  after(async () => {
    await dropDatabase(name);
  });

  it('seed:targets before migrate says "run `npm run migrate` first", with no SQL and no stack', async () => {
    const { code, lines } = await cli('seed-targets', [], url);
    expect(lines).to.deep.equal(['seed-targets failed: the database has no schema yet: run `npm run migrate` first']);
    expect(code).to.equal(1);
  });

  // Each kind of flag mistake is covered by the unit tests of parseFlags; here each tool once, end to end.
  it('refuses unknown flags and bad values with the usage, in one line and no log record', async () => {
    const cases: Array<[string, string[], RegExp]> = [
      ['seed-targets', ['--bogus'], /^seed-targets failed: unknown option --bogus; usage: npm run seed:targets/],
      ['resync-guild', ['--guild', 'abc'], /^resync-guild failed: --guild must be a positive whole number, not "abc"; usage: /],
    ];
    const results = await Promise.all(cases.map(([entry, args]) => cli(entry, args, url)));
    for (const [i, { code, lines }] of results.entries()) {
      const [entry, args, expected] = cases[i] as [string, string[], RegExp];
      expect(lines, `${entry} ${args.join(' ')}`).to.have.length(1);
      expect(lines[0]).to.match(expected);
      expect(code).to.equal(1);
    }
  });

  it('migrate:down asks for --yes when the revert would drop rows, and reverts with it', async () => {
    // Migrated up to a step whose revert drops columns of guild_comparisons (later steps may drop nothing).
    const step = 'Migration20261201500001_comparison_realm';
    const orm = await openOrm({ databaseUrl: url, poolMax: 1 });
    try {
      await (await migratorOf(orm)).up({ to: step });
    } finally {
      await orm.close(true);
    }
    const applied = async () => Number(await scalar(url, 'select count(*) as v from mikro_orm_migrations'));
    const steps = MIGRATIONS.findIndex((m) => m.name === step) + 1;
    expect(await applied()).to.equal(steps);
    await scalar(url, "insert into guild_comparisons (region, realm_slug, guild_name_key, guild_name) values ('us', 'cli-realm', 'cli guild', 'Cli Guild') returning 'x' as v");

    const refused = await cli('migrate', ['--down'], url);
    expect(refused.lines).to.deep.equal([`migrate failed: reverting ${step} drops data in guild_comparisons (1 row): run \`npm run migrate:down -- --yes\` to go ahead`]);
    expect(refused.code).to.equal(1);
    expect(await applied()).to.equal(steps);

    const confirmed = await cli('migrate', ['--down', '--yes'], url);
    expect(confirmed.code).to.equal(0);
    expect(await applied()).to.equal(steps - 1);
  });
});
