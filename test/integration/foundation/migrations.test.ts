import { execFile } from 'node:child_process';
import { writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { MIGRATIONS } from '../../../src/db/migrations-list.js';
import { sql } from '../../helpers/sql.js';
import { createDatabase, dropDatabase, testRun } from '../../helpers/test-env.js';

const run = promisify(execFile);
const npmScript = (script: string, databaseUrl: string, args: string[] = []) =>
  run('npm', ['run', '--silent', script, ...(args.length ? ['--', ...args] : [])], {
    env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn', NODE_ENV: 'development' },
  });

async function tables(url: string): Promise<string[]> {
  const rows = await sql<{ tablename: string }>("select tablename from pg_tables where schemaname = 'public' order by 1", [], url);
  return rows.map((row) => row.tablename);
}

const query = <T extends Record<string, unknown>>(url: string, text: string) => sql<T>(text, [], url);

describe('npm run migrate / migrate:down / seed:targets on a fresh database', function () {
  this.timeout(90000);
  const name = `${testRun.databaseName}_mig`;
  let url: string;
  before(async () => {
    url = await createDatabase(name);
  });
  after(async () => {
    await dropDatabase(name);
  });

  it('migrates up, one step down and up again', async () => {
    await npmScript('migrate', url);
    const up = await tables(url);
    for (const t of ['guilds', 'characters', 'character_progress', 'guild_memberships', 'item_level_history', 'weekly_targets', 'guild_messages', 'guild_comparisons', 'processed_webhook_events']) {
      expect(up).to.include(t);
    }
    // Columns and indexes: a migration may add either (the latest may be an index alone).
    const columns = () =>
      query<{ c: string }>(
        url,
        `select table_name || '.' || column_name || ' ' || data_type as c from information_schema.columns where table_schema = 'public'
         union all select indexdef from pg_indexes where schemaname = 'public' order by 1`,
      );
    const applied = async () => Number((await query<{ n: string }>(url, 'select count(*) as n from mikro_orm_migrations'))[0]?.n);
    const upColumns = await columns();
    expect(await applied()).to.equal(MIGRATIONS.length);
    await npmScript('migrate:down', url);
    // One step down undoes the latest migration only, and changes the schema.
    expect(await applied()).to.equal(MIGRATIONS.length - 1);
    expect(await tables(url)).to.include('mikro_orm_migrations');
    expect(await columns()).to.not.deep.equal(upColumns);
    await npmScript('migrate', url);
    expect(await tables(url)).to.deep.equal(up);
    expect(await columns()).to.deep.equal(upColumns);
  });

  it('creates the natural keys and overview indexes the worker and api rely on', async () => {
    const indexes = (await query<{ indexname: string }>(url, "select indexname from pg_indexes where schemaname = 'public'")).map((r) => r.indexname);
    for (const i of ['characters_natural_key', 'guild_memberships_natural_key', 'guild_memberships_ilvl_idx', 'guild_memberships_ilvl_asc_idx', 'guild_memberships_name_idx', 'guild_memberships_class_idx', 'guild_memberships_rank_idx', 'weekly_targets_natural_key', 'guild_comparisons_natural_key', 'item_level_history_pkey']) {
      expect(indexes).to.include(i);
    }
  });

  it('seeds the default plan once: a second run changes nothing', async () => {
    await npmScript('seed:targets', url);
    const first = await query<{ week: number; target_ilvl: number }>(url, 'select week, target_ilvl from weekly_targets order by week');
    expect(first).to.have.length(15);
    expect(first[0]).to.deep.equal({ week: -2, target_ilvl: 200 });
    expect(first.at(-1)).to.deep.equal({ week: 12, target_ilvl: 289 });
    const before = await query<{ xmin: string }>(url, 'select xmin::text from weekly_targets order by week');
    await npmScript('seed:targets', url);
    const after = await query<{ xmin: string }>(url, 'select xmin::text from weekly_targets order by week');
    expect(after).to.deep.equal(before);
  });

  it('loads another plan from a file with --file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'plan-'));
    const file = join(dir, 'plan.json');
    await writeFile(file, JSON.stringify({
      expansion: 'Midnight', season: 'Season 2',
      weeks: [{ week: 1, start_date: '2026-09-01', target_ilvl: 300, description: 'Season 2 week 1' }],
    }));
    await npmScript('seed:targets', url, ['--file', file]);
    const rows = await query<{ season: string; target_ilvl: number }>(url, "select season, target_ilvl from weekly_targets where season = 'Season 2'");
    expect(rows).to.deep.equal([{ season: 'Season 2', target_ilvl: 300 }]);
  });

  it('refuses an invalid plan file with a clear message and exit code 1', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'plan-'));
    const file = join(dir, 'bad.json');
    await writeFile(file, JSON.stringify({ expansion: 'X', season: 'Y', weeks: [{ week: 1, start_date: 'soon', target_ilvl: -1 }] }));
    try {
      await npmScript('seed:targets', url, ['--file', file]);
      expect.fail('should have failed');
    } catch (err) {
      const e = err as { code: number; stderr: string };
      expect(e.code).to.equal(1);
      expect(e.stderr).to.match(/seed-targets failed/);
    }
  });
});
