import type { Config } from '../../../../src/config.js';
import type { Simulator } from '../../../../src/sim/index.js';

export const CLIENT_ID = 'simulated-client';
export const CLIENT_SECRET = 'simulated-secret';

export function blizzardConfig(apiBaseUrl: string, oauthUrl: string, overrides: Partial<Config['blizzard']> = {}): Config['blizzard'] {
  return {
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    region: 'us',
    timeoutMs: 2000,
    apiBaseUrl,
    oauthUrl,
    quotaPerSecond: 100,
    quotaPerHour: 36000,
    quotaHeadroom: 0.05,
    quotaBurstShare: 0.5,
    quotaEdgeMs: 50,
    ...overrides,
  };
}

export function blizzardConfigFor(sim: Simulator, overrides: Partial<Config['blizzard']> = {}): Config['blizzard'] {
  return blizzardConfig(sim.env.BLIZZARD_API_BASE_URL as string, sim.env.BLIZZARD_OAUTH_URL as string, overrides);
}

export function wclConfigFor(sim: Simulator): Config['warcraftlogs'] {
  return { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, oauthUrl: sim.env.WARCRAFTLOGS_OAUTH_URL as string, apiUrl: sim.env.WARCRAFTLOGS_API_URL as string };
}

export const JWT_SECRET = 'upstream-tests-jwt-secret-0123456789';

export const elapsedSince = (started: number) => performance.now() - started;
