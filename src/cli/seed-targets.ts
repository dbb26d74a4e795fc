import { readFile } from 'node:fs/promises';
import { ZodError } from 'zod';
import { openOrm } from '../db/orm.js';
import { planFromFile } from '../db/season-plans.js';
import { saveSeasonPlan } from '../db/tables/weekly-targets.js';
import { DEFAULT_SEASON_PLAN } from '../domain/season-plan.js';
import type { SeasonPlan } from '../domain/types.js';
import { CliError, runCli } from './run-cli.js';

/** The plan in a file, or a one-line CliError saying what is wrong with it. */
async function readPlan(file: string): Promise<SeasonPlan> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  try {
    return planFromFile(JSON.parse(text));
  } catch (err) {
    if (err instanceof ZodError) throw new CliError(`${file} is not a season plan: ${err.issues.map((i) => `${i.path.join('.') || 'file'}: ${i.message}`).join('; ')}`);
    throw new CliError(`${file} is not a season plan: ${(err as Error).message}`);
  }
}

// Loads the default season plan, or `--file plan.json`; safe to run any number of times.
await runCli(
  { name: 'seed-targets', usage: 'npm run seed:targets [-- --file plan.json]', options: { file: { type: 'string' } } },
  async (config, logger, flags) => {
    const plan = flags.file ? await readPlan(flags.file) : DEFAULT_SEASON_PLAN;
    const orm = await openOrm({ databaseUrl: config.databaseUrl, poolMax: 1, logger });
    try {
      const changed = await saveSeasonPlan(orm.em.fork(), plan);
      logger.info({ expansion: plan.expansion, season: plan.season, weeks: plan.weeks.length, changed }, `season plan ${plan.expansion} ${plan.season}: ${changed} week(s) written`);
    } finally {
      await orm.close(true);
    }
  },
);
