import { parseArgs, type ParseArgsConfig } from 'node:util';
import { configFromProcess, ConfigError, type Config } from '../config.js';
import { createLogger, type Logger } from '../logger.js';

/**
 * A failure the operator fixes from the message alone (a wrong flag, a schema not migrated, a confirmation
 * missing): printed as one line, with no stack and no log record before it.
 */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}

export interface CliSpec<O extends NonNullable<ParseArgsConfig['options']>> {
  /** Name in messages and logs, e.g. `seed-targets`. */
  name: string;
  /** How to call it, printed with every usage error, e.g. `npm run seed:targets [-- --file plan.json]`. */
  usage: string;
  options: O;
}

type Values<O extends NonNullable<ParseArgsConfig['options']>> = ReturnType<typeof parseArgs<{ options: O; strict: true; allowPositionals: false }>>['values'];

/** Flags as parsed, or a one-line CliError naming the flag that is unknown, misused or missing its value. */
export function parseFlags<O extends NonNullable<ParseArgsConfig['options']>>(spec: CliSpec<O>, args: string[]): Values<O> {
  try {
    return parseArgs({ args, options: spec.options, strict: true, allowPositionals: false }).values as Values<O>;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const quoted = /'([^']+)'/.exec(e.message)?.[1];
    const what =
      e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? `unknown option ${quoted ?? ''}`.trim()
      : e.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL' ? `unexpected argument ${quoted ?? ''}`.trim()
      : e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' ? `option ${(quoted ?? '').split(' ')[0] ?? ''} needs a value`.replace(/ +/g, ' ')
      : e.message;
    throw new CliError(`${what}; usage: ${spec.usage}`);
  }
}

const PG_UNDEFINED_TABLE = '42P01';
const PG_INVALID_CATALOG = '3D000';

/** Database failures an operator fixes without reading a stack, as one line; undefined for anything else. */
function databaseProblem(err: unknown, config: Config | undefined): string | undefined {
  const e = err as { code?: string; message?: string; cause?: { code?: string } };
  const code = e?.code ?? e?.cause?.code;
  if (code === PG_UNDEFINED_TABLE) return 'the database has no schema yet: run `npm run migrate` first';
  if (code === PG_INVALID_CATALOG) return `the database does not exist: create it or set DATABASE_URL${config ? ` (now ${redactUrl(config.databaseUrl)})` : ''}`;
  if (code === 'ECONNREFUSED' || /ECONNREFUSED/.test(e?.message ?? '')) {
    return `PostgreSQL or Redis is not reachable${config ? ` (DATABASE_URL ${redactUrl(config.databaseUrl)}, REDIS_URL ${redactUrl(config.redisUrl)})` : ''}: start them (scripts/services-up.sh) or set the URLs`;
  }
  return undefined;
}

const redactUrl = (url: string) => url.replace(/\/\/([^:@/]+):[^@/]+@/, '//$1:***@');

/**
 * Runs a command-line task with its flags parsed (unknown ones refused), config read once and a logger.
 * Every failure ends in one line on stderr, `<name> failed: <why>`, and exit 1; only an unexpected one is
 * also logged with its stack, after that line.
 */
export async function runCli<O extends NonNullable<ParseArgsConfig['options']>>(
  spec: CliSpec<O>,
  task: (config: Config, logger: Logger, flags: Values<O>) => Promise<void>,
): Promise<void> {
  let config: Config | undefined;
  let logger: Logger | undefined;
  try {
    const flags = parseFlags(spec, process.argv.slice(2));
    config = configFromProcess('cli');
    logger = createLogger({ level: config.logLevel, name: spec.name, format: config.logFormat });
    await task(config, logger, flags);
    process.exit(0);
  } catch (err) {
    const known = err instanceof CliError || err instanceof ConfigError ? err.message : databaseProblem(err, config);
    process.stderr.write(`${spec.name} failed: ${known ?? (err as Error).message.split('\n')[0]}\n`);
    if (!known) logger?.error({ err }, `${spec.name} failed`);
    process.exit(1);
  }
}
