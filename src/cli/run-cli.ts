import { configFromProcess, ConfigError, type Config } from '../config.js';
import { createLogger, type Logger } from '../logger.js';

/** Runs a command-line task with parsed config and a logger; prints one clear line and exits 1 on failure. */
export async function runCli(name: string, task: (config: Config, logger: Logger, args: string[]) => Promise<void>): Promise<void> {
  let logger: Logger | undefined;
  try {
    const config = configFromProcess('cli');
    logger = createLogger({ level: config.logLevel, name });
    await task(config, logger, process.argv.slice(2));
    process.exit(0);
  } catch (err) {
    const message = err instanceof ConfigError ? err.message : `${name} failed: ${(err as Error).message}`;
    if (logger) logger.error({ err }, message);
    process.stderr.write(`${message}\n`);
    process.exit(1);
  }
}

/** Value of `--name value` or `--name=value` in an argument list. */
export function argValue(args: string[], name: string): string | undefined {
  const flag = `--${name}`;
  for (let i = 0; i < args.length; i += 1) {
    const a = args[i] as string;
    if (a === flag) return args[i + 1];
    if (a.startsWith(`${flag}=`)) return a.slice(flag.length + 1);
  }
  return undefined;
}
