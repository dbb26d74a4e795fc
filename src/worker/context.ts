import type { ProcessServices } from '../process-services.js';
import type { BlizzardClient } from '../upstream/blizzard/client.js';
import type { QuotaGate } from '../upstream/blizzard/quota.js';
import type { WarcraftLogsClient } from '../upstream/warcraftlogs/client.js';

/** The upstream side of the worker, built once per process. */
export interface UpstreamServices {
  blizzard: BlizzardClient;
  warcraftlogs: WarcraftLogsClient;
  /** Battle.net's per-client quota, shared by every replica through Redis. */
  quota: QuotaGate;
}

/** What every processor receives: shared services built once per worker process. */
export interface WorkerContext extends ProcessServices, UpstreamServices {
  /** Run on shutdown, after the workers have finished their jobs and before connections close. */
  onClose: Array<() => Promise<void> | void>;
}
