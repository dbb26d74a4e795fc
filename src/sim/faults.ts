/** Run-time misbehaviour of the simulated upstreams, switched on by tests and benchmarks. */
export interface Faults {
  /** Added to every Battle.net and WarcraftLogs response. */
  latencyMs: number;
  /** Battle.net's per-second quota: requests beyond it get 429 for the rest of that wall-clock second. */
  perSecondQuota: number | null;
  /** Seconds sent as Retry-After on quota 429s; Battle.net usually sends none. */
  retryAfter: number | null;
  /** Battle.net's hourly quota: beyond it responses slow down (as Battle.net does), they are not refused. */
  hourlyQuota: number | null;
  /** Share (0..1) of Battle.net requests answered 500. */
  errorRate: number;
  /** Every Battle.net API call answers 503. */
  outage: boolean;
  /** Only the Mythic+ and raid endpoints answer 503 (the profile and equipment still answer). */
  activityOutage: boolean;
  /** Only the Mythic+ and raid endpoints answer 429 (Retry-After: 1), as when their throttle differs. */
  activityThrottled: boolean;
  /** Added to the Mythic+ and raid endpoints only, on top of latencyMs. */
  activityLatencyMs: number;
  /** Battle.net answers 200 with a body that does not match the real shape. */
  malformed: boolean;
  /** One-shot: every Battle.net request gets 429 (with Retry-After) for this many ms from when it is set. */
  forceRateLimitMs: number | null;
  guildApiDown: boolean;
  guildApiLatencyMs: number;
  wclDown: boolean;
  /** WarcraftLogs points reported as spent this hour (null: the simulator's own count); at the limit it answers 429. */
  wclPointsSpent: number | null;
  /** expires_in of issued Battle.net tokens, in seconds (Battle.net: 86399). */
  tokenExpiresIn: number;
}

export const DEFAULT_FAULTS: Readonly<Faults> = Object.freeze({
  latencyMs: 0,
  perSecondQuota: null,
  retryAfter: null,
  hourlyQuota: null,
  errorRate: 0,
  outage: false,
  activityOutage: false,
  activityThrottled: false,
  activityLatencyMs: 0,
  malformed: false,
  forceRateLimitMs: null,
  guildApiDown: false,
  guildApiLatencyMs: 0,
  wclDown: false,
  wclPointsSpent: null,
  tokenExpiresIn: 86399,
});

/** Extra latency once the hourly quota is spent ("slower service until traffic decreases"). */
export const HOURLY_OVERAGE_DELAY_MS = 250;

type Kind = 'number' | 'number-or-null' | 'boolean';
const KINDS: Record<keyof Faults, Kind> = {
  latencyMs: 'number',
  perSecondQuota: 'number-or-null',
  retryAfter: 'number-or-null',
  hourlyQuota: 'number-or-null',
  errorRate: 'number',
  outage: 'boolean',
  activityOutage: 'boolean',
  activityThrottled: 'boolean',
  activityLatencyMs: 'number',
  malformed: 'boolean',
  forceRateLimitMs: 'number-or-null',
  guildApiDown: 'boolean',
  guildApiLatencyMs: 'number',
  wclDown: 'boolean',
  wclPointsSpent: 'number-or-null',
  tokenExpiresIn: 'number',
};

function fits(kind: Kind, value: unknown): boolean {
  if (kind === 'boolean') return typeof value === 'boolean';
  if (value === null) return kind === 'number-or-null';
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

/** Keeps known fault names with values of the right type; admin PUTs come from other processes. */
export function sanitizeFaults(input: unknown): Partial<Faults> {
  if (typeof input !== 'object' || input === null) throw new Error('faults must be a JSON object');
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    const kind = KINDS[key as keyof Faults];
    if (!kind) throw new Error(`unknown fault "${key}"`);
    if (!fits(kind, value)) throw new Error(`fault "${key}" expects ${kind}, got ${JSON.stringify(value)}`);
    result[key] = value;
  }
  return result as Partial<Faults>;
}
