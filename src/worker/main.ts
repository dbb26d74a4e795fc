import { runService } from '../run-service.js';
import { startWorker } from './runtime.js';

// Entry point of the worker process: consume every queue until SIGTERM.
await runService(
  'worker',
  async (config, logger) => {
    const worker = await startWorker(config, logger);
    logger.info({ health: `${worker.url}/health`, queues: worker.workers.map((w) => w.name) }, 'worker ready');
    return worker;
  },
  'finishing jobs in progress',
);
