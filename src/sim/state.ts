import { systemClock, type Clock } from '../clock.js';
import { emptyCounters, type SimCounters } from './counters.js';
import { DEFAULT_FAULTS, type Faults } from './faults.js';
import { Random } from './random.js';
import type { SimWorld } from './world.js';

/** Client credentials the simulated Battle.net and WarcraftLogs accept (the config's defaults without credentials). */
export const SIM_CREDENTIALS = { clientId: 'simulated-client', clientSecret: 'simulated-secret' } as const;

/** Everything the simulated upstreams share while running. */
export interface SimState {
  world: SimWorld;
  faults: Faults;
  counters: SimCounters;
  /** Set when `forceRateLimitMs` is switched on: every Battle.net request is refused until then. */
  forcedRateLimitUntil: number;
  /** Battle.net access tokens issued → expiry (ms). */
  blizzardTokens: Map<string, number>;
  wclTokens: Set<string>;
  wcl: { limitPerHour: number; spent: number; hourStartedAt: number };
  jwtSecretKey: string;
  /** For fault dice (error rate) and token values, so that runs with the same seed behave alike. */
  rng: Random;
  /** Business time of the activity endpoints (the weekly reset, kill and run times); tests share theirs. */
  clock: Clock;
}

export function createState(world: SimWorld, jwtSecretKey: string, faults: Partial<Faults>, clock: Clock = systemClock): SimState {
  const state: SimState = {
    world,
    faults: { ...DEFAULT_FAULTS },
    counters: emptyCounters(),
    forcedRateLimitUntil: 0,
    blizzardTokens: new Map(),
    wclTokens: new Set(),
    wcl: { limitPerHour: 3600, spent: 0, hourStartedAt: Date.now() },
    jwtSecretKey,
    rng: new Random(world.seed ^ 0x5eed),
    clock,
  };
  applyFaults(state, faults);
  return state;
}

export function applyFaults(state: SimState, partial: Partial<Faults>): Faults {
  state.faults = { ...state.faults, ...partial };
  if (partial.forceRateLimitMs !== undefined) {
    state.forcedRateLimitUntil = partial.forceRateLimitMs ? Date.now() + partial.forceRateLimitMs : 0;
  }
  return state.faults;
}

export function resetFaults(state: SimState): void {
  state.faults = { ...DEFAULT_FAULTS };
  state.forcedRateLimitUntil = 0;
}

export function randomToken(state: SimState, prefix: string, length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let token = prefix;
  while (token.length < length) token += alphabet[Math.floor(state.rng.next() * alphabet.length)];
  return token;
}
