import { configFromProcess, DEVELOPMENT_DEFAULTS } from '../config.js';
import { createLogger } from '../logger.js';
import { startSimulator } from '../sim/index.js';

// `npm run sim`: the simulated Battle.net, WarcraftLogs and guild-api alone, e.g. for a separately run api.
const config = configFromProcess('cli');
const logger = createLogger({ level: config.logLevel, name: 'sim' });
const simulator = await startSimulator({ port: config.simPort, jwtSecretKey: config.jwtSecretKey || (DEVELOPMENT_DEFAULTS.JWT_SECRET_KEY as string) });
logger.info({ url: simulator.url, env: simulator.env }, `simulated upstreams on ${simulator.url}`);
const stop = () => void simulator.close().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
