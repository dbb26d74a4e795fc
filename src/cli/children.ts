import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** A service process run by `npm run dev` or `npm start`. */
export interface Child {
  name: string;
  process: ChildProcess;
  /** The exit code, or the signal that ended it. */
  exited: Promise<number | string>;
}

/**
 * Node's flags for the compiled api and worker wherever production runs them (the Dockerfiles, `npm start`,
 * `npm run start:api`/`start:worker`, the bench's `--compiled`). Both keep a small live set (the worker's 16
 * jobs in flight, the api's cached bodies served as stored bytes), but left alone V8 grows the heap with
 * garbage to 230-270 MB under load before collecting. A capped old generation makes it collect first, and a
 * 4 MB young generation (instead of 16) keeps short-lived garbage small, at no measurable cost in requests per
 * second or CPU per character (2 MB did cost ~10 % of the api's requests per second).
 *
 * The worker also collects garbage on its main thread only: V8's helper threads (parallel scavenges,
 * concurrent marking) used about a third of its CPU on a resync, and doing that work on the main thread costs
 * ~1 ms less CPU per character in all, at the price of longer pauses, which no job notices. The api keeps them:
 * there a pause is a reader's latency. Figures in docs/benchmarks.md.
 */
const HEAP_FLAGS: readonly string[] = ['--max-old-space-size=128', '--max-semi-space-size=4'];

export type ServiceRole = 'api' | 'worker';

export const PRODUCTION_NODE_FLAGS: Readonly<Record<ServiceRole, readonly string[]>> = {
  api: HEAP_FLAGS,
  worker: [...HEAP_FLAGS, '--single-threaded-gc'],
};

/**
 * The role whose production flags an entry runs with: "worker/main" or "src/worker/main.ts" the worker's, any
 * other (the simulator too) the api's.
 */
export function roleOfEntry(entry: string): ServiceRole {
  return /(^|\/)worker\//.test(entry) ? 'worker' : 'api';
}

/**
 * The environment the compiled api and worker run with wherever production runs them, beside the flags above:
 * glibc's allocator, told to give memory back. Its default raises the size from which an allocation gets pages of
 * its own (and returns them when freed) to the largest block freed so far, so after the first ~150 KB overview
 * body or socket copy was freed every later one came from the heap, which then stayed at its high-water mark:
 * the api rose from ~130 to 155-170 MB under overview load and stayed there. A fixed 128 KiB threshold keeps
 * large blocks returnable (120 MB after the same load); two arenas stop each thread from keeping freed memory of
 * its own. An operator's own values win; musl-based images ignore both.
 */
export const PRODUCTION_ENV: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '131072' };

/** Whether this module runs compiled (from dist/) rather than as TypeScript under tsx. */
const isCompiled = import.meta.url.endsWith('.js');

/**
 * Node's arguments for a service entry given relative to src/ ("api/main"): the compiled file with the
 * production flags when this code runs compiled, else the source under tsx. The path is resolved from this module, so it holds from any
 * working directory.
 */
export function entryArgs(entry: string): string[] {
  const file = fileURLToPath(new URL(`../${entry}.${isCompiled ? 'js' : 'ts'}`, import.meta.url));
  return isCompiled ? [...PRODUCTION_NODE_FLAGS[roleOfEntry(entry)], file] : ['--import', 'tsx', file];
}

/** Starts a child sharing this terminal's output; `onExit` hears how it ended. */
export function runChild(name: string, entry: string, env: Record<string, string | undefined>, onExit: (status: number | string) => void): Child {
  const child = spawn(process.execPath, entryArgs(entry), { env: isCompiled ? { ...PRODUCTION_ENV, ...env } : env, stdio: ['ignore', 'inherit', 'inherit'] });
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  void exited.then(onExit);
  return { name, process: child, exited };
}

/**
 * One SIGTERM to each child still running (when the whole group was signalled they also got the kernel's,
 * which they ignore while stopping); a child still running `graceMs` later is killed. Resolves with how each ended.
 */
export async function stopChildren(children: Child[], graceMs: number): Promise<Array<{ name: string; status: number | string }>> {
  return Promise.all(
    children.map(async (child) => {
      if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGTERM');
      const timer = setTimeout(() => child.process.kill('SIGKILL'), graceMs);
      const status = await child.exited;
      clearTimeout(timer);
      return { name: child.name, status };
    }),
  );
}
