import { runService } from '../run-service.js';
import { startApi } from './server.js';

// Entry point of the api process.
await runService(
  'api',
  async (config, logger) => {
    const api = await startApi(config, logger);
    logger.info({ url: api.url, port: config.port }, `api listening on ${api.url}`);
    if (config.usesSimulatedUpstreams) logger.info({ guildApi: config.guildApi.url }, 'no upstream credentials set: guild-api calls go to the simulator');
    return api;
  },
  'finishing in-flight requests',
);
