import { createMigratedDatabase, deleteRedisKeys, dropDatabase, testRun } from './helpers/test-env.js';

// Mocha global fixtures: one database and one Redis prefix for the whole run, removed afterwards.
export async function mochaGlobalSetup(): Promise<void> {
  await createMigratedDatabase(testRun.databaseName);
}

export async function mochaGlobalTeardown(): Promise<void> {
  await dropDatabase(testRun.databaseName);
  await deleteRedisKeys(testRun.redisPrefix);
}
