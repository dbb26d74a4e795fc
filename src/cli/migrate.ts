import { openOrm } from '../db/orm.js';
import { migrateDown, migrateUp } from '../db/migrate.js';
import { runCli } from './run-cli.js';

// `npm run migrate` applies every pending migration; `npm run migrate:down` (--down) reverts the last one.
await runCli('migrate', async (config, logger, args) => {
  const orm = await openOrm({ databaseUrl: config.databaseUrl, poolMax: 1, logger });
  try {
    const down = args.includes('--down');
    const names = down ? await migrateDown(orm) : await migrateUp(orm);
    logger.info({ migrations: names }, names.length ? `${down ? 'reverted' : 'applied'} ${names.join(', ')}` : 'schema already up to date');
  } finally {
    await orm.close(true);
  }
});
