import { loadavg } from 'node:os';
import { cpuMs } from './procs.js';
import { startStack } from './stack.js';

/**
 * CPU the api and the worker spend with nothing to do: a compiled stack with no guild, left to settle, then each
 * process's user + system time from /proc over the window, in ms per second. What the worker spends here is
 * charged to the characters of every bench window it overlaps. Usage (after `npm run build`):
 * `node --import tsx bench/idle.ts [seconds]`. Other work on the machine moves these figures by a few ms/s, so
 * compare two builds by running them at the same time, each from its own checkout.
 */
const seconds = Number(process.argv[2] ?? 30);
const SETTLE_MS = 5000;

const stack = await startStack([], true);
try {
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  const pids = { worker: stack.worker.child.pid, api: stack.api.child.pid };
  const before = { worker: await cpuMs(pids.worker), api: await cpuMs(pids.api) };
  const began = Date.now();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const after = { worker: await cpuMs(pids.worker), api: await cpuMs(pids.api) };
  const elapsed = (Date.now() - began) / 1000;
  const perSecond = (p: 'worker' | 'api') => Math.round(((after[p] ?? NaN) - (before[p] ?? NaN)) / elapsed * 10) / 10;
  const load = loadavg().map((l) => l.toFixed(2)).join(' ');
  process.stdout.write(`${JSON.stringify({ worker_cpu_ms_per_s: perSecond('worker'), api_cpu_ms_per_s: perSecond('api'), seconds: elapsed, load })}\n`);
} finally {
  await stack.close();
}
