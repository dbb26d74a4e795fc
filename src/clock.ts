/**
 * Where business time comes from: the week of the season, how fresh a projection is, how long a cached body may
 * live. Everything that asks "what time is it" for those reasons asks a Clock handed to it, never the system
 * directly, so tests can put a process at 14:59:59 on a reset day and move it one second on.
 *
 * Mechanics that only measure real elapsed time against the outside world (request durations, an upstream's
 * Retry-After, Redis key expiry, BullMQ's own delays) keep using the system's time: they have no business meaning.
 */
export interface Clock {
  now(): Date;
}

/** The real time of the machine. */
export const systemClock: Clock = Object.freeze({ now: () => new Date() });

export type Instant = Date | string | number;

function toMs(instant: Instant): number {
  const ms = instant instanceof Date ? instant.getTime() : typeof instant === 'number' ? instant : Date.parse(instant);
  if (!Number.isFinite(ms)) throw new RangeError(`Not an instant: ${String(instant)}`);
  return ms;
}

/**
 * A clock that stands still at the instant it is set to and moves only when told (`set`, `advance`), so a test
 * decides exactly which side of a reset every read falls on.
 */
export class ManualClock implements Clock {
  private ms: number;

  constructor(start: Instant) {
    this.ms = toMs(start);
  }

  now(): Date {
    return new Date(this.ms);
  }

  set(instant: Instant): void {
    this.ms = toMs(instant);
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms)) throw new RangeError(`Not a duration: ${ms}`);
    this.ms += ms;
  }
}
