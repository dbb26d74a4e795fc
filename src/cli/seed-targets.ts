import { readFile } from 'node:fs/promises';
import { openOrm } from '../db/orm.js';
import { planFromFile } from '../db/season-plans.js';
import { saveSeasonPlan } from '../db/tables/weekly-targets.js';
import { DEFAULT_SEASON_PLAN } from '../domain/season-plan.js';
import { argValue, runCli } from './run-cli.js';

// Loads the default season plan, or `--file plan.json`; safe to run any number of times.
await runCli('seed-targets', async (config, logger, args) => {
  const file = argValue(args, 'file');
  const plan = file ? planFromFile(JSON.parse(await readFile(file, 'utf8'))) : DEFAULT_SEASON_PLAN;
  const orm = await openOrm({ databaseUrl: config.databaseUrl, poolMax: 1, logger });
  try {
    const changed = await saveSeasonPlan(orm.em.fork(), plan);
    logger.info({ expansion: plan.expansion, season: plan.season, weeks: plan.weeks.length, changed }, `season plan ${plan.expansion} ${plan.season}: ${changed} week(s) written`);
  } finally {
    await orm.close(true);
  }
});
