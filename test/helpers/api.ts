import { startApi, type RunningApi } from '../../src/api/server.js';
import { testConfig, testLogger } from './test-env.js';

/** The real api on an ephemeral loopback port, against the run's database and Redis prefix. */
export async function startTestApi(overrides: Record<string, string | undefined> = {}): Promise<RunningApi> {
  return startApi(testConfig(overrides), testLogger(), 0, '127.0.0.1');
}
