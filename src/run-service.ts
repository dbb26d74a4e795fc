import { configFromProcess, ConfigError, type Config } from './config.js';
import { PortUnavailableError, portProblem } from './listen.js';
import { createLogger, type Logger } from './logger.js';
import { onStopSignals } from './stop-signals.js';

interface Stoppable {
  close(): Promise<void>;
}

/** The variable that moves each process's port, named when the port cannot be had. */
const PORT_VARIABLE = { api: 'PORT', worker: 'WORKER_PORT' } as const;

/**
 * The shared life of the api and worker processes: read config once (exit 1 with the message naming every bad
 * variable), start, and on the first SIGTERM/SIGINT stop gracefully (in-flight work finishes) and exit. Later
 * signals while stopping are ignored, so the stop runs once and ends with one "stopped" line.
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
  const logger = createLogger({ level: config.logLevel, name: role, format: config.logFormat });
  const starting = start(config, logger);
  // Listening from the start: a signal that arrives while connecting stops the service once it is up.
  onStopSignals(
    (signal) => {
      logger.info({ signal }, `shutting down: ${whileStopping}`);
      starting
        .then((service) => service.close())
        .then(
          () => {
            logger.info(`${role} stopped`);
            process.exit(0);
          },
          (err: unknown) => {
            logger.error({ err }, 'error while stopping');
            process.exit(1);
          },
        );
    },
    (signal) => logger.debug({ signal }, 'already shutting down'),
  );
  try {
    await starting;
  } catch (err) {
    if (!(err instanceof PortUnavailableError)) throw err;
    // One line, no stack: the fix is a variable, not a code change.
    process.stderr.write(`${portProblem(err, PORT_VARIABLE[role])}\n`);
    process.exit(1);
  }
}
