import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { LogCapture } from './log-capture.js';
import { testEnv } from './test-env.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export const ENTRY = {
  api: 'src/api/main.ts',
  worker: 'src/worker/main.ts',
} as const;

/** A port nobody is listening on right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The environment a child api or worker reads: the run's database and Redis prefix, plus overrides. */
export function childEnv(overrides: Record<string, string | undefined> = {}): Record<string, string> {
  // Children log at info so tests can read their lines; the rest is the in-process tests' environment.
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, ...testEnv({ LOG_LEVEL: 'info', ...overrides }) };
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}

export interface ChildService {
  kind: keyof typeof ENTRY;
  child: ChildProcess;
  url: string;
  logs: LogCapture;
  /** Resolves with the exit code (or the signal's name) once the process has ended. */
  exited: Promise<number | string>;
  signal(signal: NodeJS.Signals): void;
  /** SIGTERM, then SIGKILL if it has not ended within the grace time. Safe to call twice. */
  stop(graceMs?: number): Promise<number | string>;
}

/**
 * Runs the api or the worker as its own process (`node --import tsx <entry>`), as production does,
 * and waits until its /health answers (any status: a dependency may be down on purpose).
 */
export async function startChild(
  kind: keyof typeof ENTRY,
  env: Record<string, string | undefined> = {},
  options: { readyTimeoutMs?: number; logs?: LogCapture } = {},
): Promise<ChildService> {
  const port = await freePort();
  const portVar = kind === 'api' ? 'PORT' : 'WORKER_PORT';
  const logs = options.logs ?? new LogCapture();
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY[kind]], {
    cwd: ROOT,
    env: childEnv({ ...env, [portVar]: String(port) }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => logs.write(chunk));
  child.stderr?.on('data', (chunk: Buffer) => logs.write(chunk));
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
  });
  let hasExited = false;
  void exited.then(() => {
    hasExited = true;
  });

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.readyTimeoutMs ?? 45_000);
  for (;;) {
    if (hasExited) throw new Error(`${kind} exited during start-up:\n${logs.lines().slice(-20).join('\n')}`);
    try {
      const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(3000) });
      await res.body?.cancel();
      break;
    } catch {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`${kind} did not answer /health in time:\n${logs.lines().slice(-20).join('\n')}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  return {
    kind,
    child,
    url,
    logs,
    exited,
    signal(signal) {
      if (!hasExited) child.kill(signal);
    },
    async stop(graceMs = 10000) {
      if (!hasExited) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => {
          if (!hasExited) child.kill('SIGKILL');
        }, graceMs);
        const code = await exited;
        clearTimeout(timer);
        return code;
      }
      return exited;
    },
  };
}
