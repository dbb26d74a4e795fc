import { createMigratedDatabase, deleteRedisKeysMatching, dropDatabase, testRun } from './helpers/test-env.js';
import { refuseOutboundConnections, takeRefused } from './helpers/no-outbound.js';

// Mocha global fixtures: one database and one Redis prefix for the whole run, removed afterwards.
export async function mochaGlobalSetup(): Promise<void> {
  await createMigratedDatabase(testRun.databaseName);
}

export async function mochaGlobalTeardown(): Promise<void> {
  await dropDatabase(testRun.databaseName);
  // The run's namespace and every namespace a stack or a test made under it (`<prefix>_stack1`, …).
  await deleteRedisKeysMatching(`${testRun.redisPrefix}*`);
}

refuseOutboundConnections();

/** Root hooks: a test that tried to reach anything but this machine fails, naming the host. */
export const mochaHooks = {
  afterEach(): void {
    const hosts = takeRefused();
    if (hosts.length) throw new Error(`the test tried to connect outside this machine: ${[...new Set(hosts)].join(', ')}`);
  },
};
