import { configFromProcess, ConfigError } from '../config.js';
import { createLogger } from '../logger.js';
import { startApi } from './server.js';

// Entry point of the api process: read config once, serve, and stop gracefully on SIGTERM/SIGINT.
let config;
try {
  config = configFromProcess('api');
} catch (err) {
  process.stderr.write(`${err instanceof ConfigError ? err.message : String(err)}\n`);
  process.exit(1);
}
const logger = createLogger({ level: config.logLevel, name: 'api' });
const api = await startApi(config, logger);
logger.info({ url: api.url, port: config.port }, `api listening on ${api.url}`);
if (config.usesSimulatedUpstreams) logger.info('no upstream credentials set: guild-api calls go to the built-in simulator');

const shutdown = (signal: string) => {
  logger.info({ signal }, 'shutting down: finishing in-flight requests');
  api.close().then(
    () => {
      logger.info('api stopped');
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
