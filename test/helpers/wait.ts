/** Waiting in tests: one definition of each. Prefer awaiting an event (a job's completion) where one exists. */

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until the probe gives something other than undefined or false, and returns it; throws after the timeout. */
export async function waitFor<T>(probe: () => Promise<T | undefined | false>, timeoutMs = 15_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** Polls until the probe's value passes, returning the last value either way (the caller asserts on it). */
export async function eventually<T>(probe: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 10_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (accept(value) || Date.now() > deadline) return value;
    await sleep(everyMs);
  }
}

/**
 * Work the processes under test do off a request's path (the api re-reading guild-api in the background), which
 * `waitForIdle` waits out before it looks at the queues: that work may be about to enqueue.
 */
export const backgroundWork = new Set<() => Promise<void>>();
