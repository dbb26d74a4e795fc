import { openOrm } from '../db/orm.js';
import { migrateDown, migrateUp, revertWouldDrop } from '../db/migrate.js';
import { CliError, runCli } from './run-cli.js';

// `npm run migrate` applies every pending migration; `npm run migrate:down` (--down) reverts the last one, and
// asks for --yes first when that would drop a table or column holding rows.
await runCli(
  {
    name: 'migrate',
    usage: 'npm run migrate | npm run migrate:down [-- --yes]',
    options: { down: { type: 'boolean' }, yes: { type: 'boolean' } },
  },
  async (config, logger, flags) => {
    if (flags.yes && !flags.down) throw new CliError('--yes only confirms a revert; usage: npm run migrate:down -- --yes');
    const orm = await openOrm({ databaseUrl: config.databaseUrl, poolMax: 1, logger });
    try {
      if (flags.down && !flags.yes) {
        const revert = await revertWouldDrop(orm);
        if (revert && revert.atRisk.length > 0) {
          const what = revert.atRisk.map((t) => `${t.table} (${t.rows} row${t.rows === 1 ? '' : 's'})`).join(', ');
          throw new CliError(`reverting ${revert.migration} drops data in ${what}: run \`npm run migrate:down -- --yes\` to go ahead`);
        }
      }
      const names = flags.down ? await migrateDown(orm) : await migrateUp(orm);
      logger.info({ migrations: names }, names.length ? `${flags.down ? 'reverted' : 'applied'} ${names.join(', ')}` : 'schema already up to date');
    } finally {
      await orm.close(true);
    }
  },
);
