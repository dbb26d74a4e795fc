import { configFromProcess, ConfigError } from '../config.js';
import { createLogger } from '../logger.js';
import { startWorker } from './runtime.js';

// Entry point of the worker process: consume every queue until SIGTERM, then finish in-flight jobs and exit.
let config;
try {
  config = configFromProcess('worker');
} catch (err) {
  process.stderr.write(`${err instanceof ConfigError ? err.message : String(err)}\n`);
  process.exit(1);
}
const logger = createLogger({ level: config.logLevel, name: 'worker' });
const worker = await startWorker(config, logger);
logger.info({ health: `${worker.url}/health`, queues: worker.workers.map((w) => w.name) }, 'worker ready');

const shutdown = (signal: string) => {
  logger.info({ signal }, 'shutting down: finishing jobs in progress');
  worker.close().then(
    () => {
      logger.info('worker stopped');
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
