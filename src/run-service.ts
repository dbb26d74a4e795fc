import { configFromProcess, ConfigError, type Config } from './config.js';
import { createLogger, type Logger } from './logger.js';

interface Stoppable {
  close(): Promise<void>;
}

/**
 * The shared life of the api and worker processes: read config once (exit 1 with the message naming every bad
 * variable), start, and on SIGTERM/SIGINT stop gracefully (in-flight work finishes) and exit.
 */
export async function runService(
  role: 'api' | 'worker',
  start: (config: Config, logger: Logger) => Promise<Stoppable>,
  whileStopping: string,
): Promise<void> {
  let config: Config;
  try {
    config = configFromProcess(role);
  } catch (err) {
    process.stderr.write(`${err instanceof ConfigError ? err.message : String(err)}\n`);
    process.exit(1);
  }
  const logger = createLogger({ level: config.logLevel, name: role });
  const service = await start(config, logger);

  const shutdown = (signal: string) => {
    logger.info({ signal }, `shutting down: ${whileStopping}`);
    service.close().then(
      () => {
        logger.info(`${role} stopped`);
        process.exit(0);
      },
      (err) => {
        logger.error({ err }, 'error while stopping');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}
