import { configFromProcess, DEVELOPMENT_DEFAULTS } from '../config.js';
import { createLogger } from '../logger.js';
import { startSimulator } from '../sim/index.js';
import { onStopSignals } from '../stop-signals.js';

// `npm run sim`: the simulated Battle.net, WarcraftLogs and guild-api alone, e.g. for a separately run api.
const config = configFromProcess('cli');
const logger = createLogger({ level: config.logLevel, name: 'sim', format: config.logFormat });
const simulator = await startSimulator({
  port: config.simPort,
  host: config.host,
  jwtSecretKey: config.jwtSecretKey || (DEVELOPMENT_DEFAULTS.JWT_SECRET_KEY as string),
});
logger.info({ url: simulator.url, env: simulator.env }, `simulated upstreams on ${simulator.url}`);
onStopSignals(
  (signal) => {
    logger.info({ signal }, 'shutting down');
    void simulator.close().then(() => {
      logger.info('simulator stopped');
      process.exit(0);
    });
  },
  (signal) => logger.debug({ signal }, 'already shutting down'),
);
