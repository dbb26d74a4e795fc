import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { PRODUCTION_ENV, PRODUCTION_NODE_FLAGS, roleOfEntry } from '../src/cli/children.js';

/** A Node child running a TypeScript entry (under tsx, or its compiled twin in dist/), its output kept in a log file. */
export interface Child {
  name: string;
  pid: number;
  process: ChildProcess;
  logFile: string;
  stop(): Promise<void>;
}

export function spawnTs(
  name: string,
  entry: string,
  env: Record<string, string | undefined>,
  logDir: string,
  nodeArgs: string[] = [],
  compiled = false,
): Child {
  const logFile = join(logDir, `${name}.log`);
  // Output goes straight to a file: piping it through this process would put the children's logging on the
  // same CPU as the load generator.
  const fd = openSync(logFile, 'a');
  // The node binary itself, not npm: its pid is the one whose /proc we sample.
  // Compiled, as production runs it: with production's Node flags and environment.
  const args = compiled ? [...PRODUCTION_NODE_FLAGS[roleOfEntry(entry)], ...nodeArgs, `dist/${entry.replace(/\.ts$/, '.js')}`] : [...nodeArgs, '--import', 'tsx', entry];
  const child = spawn(process.execPath, args, {
    env: (compiled ? { ...PRODUCTION_ENV, ...env } : env) as NodeJS.ProcessEnv,
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  if (child.pid === undefined) throw new Error(`${name}: could not start ${entry}`);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    name,
    pid: child.pid,
    process: child,
    logFile,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}

/** Polls a URL until it answers 200, failing early (with the log's tail) if the child dies. */
export async function waitHealthy(child: Child, url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.process.exitCode !== null) throw new Error(`${child.name} exited with ${child.process.exitCode}:\n${await tail(child.logFile)}`);
    const ok = await fetch(url).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`${child.name} not healthy at ${url} after ${timeoutMs} ms:\n${await tail(child.logFile)}`);
}

export async function tail(file: string, lines = 30): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Resident set size in MB from /proc, or undefined where there is no procfs. */
export async function rssMb(pid: number): Promise<number | undefined> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
  return kb === undefined ? undefined : Number(kb) / 1024;
}

/** User + system CPU of a process in ms, from /proc/<pid>/stat (clock ticks of 10 ms). */
export async function cpuMs(pid: number): Promise<number | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  // Fields after the command name, which may itself contain spaces, start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return Number.isFinite(utime) && Number.isFinite(stime) ? (utime + stime) * 10 : undefined;
}

/**
 * Peak RSS of several processes, sampled on a timer for the whole run (pids are asked each time: children
 * restart), overall and per phase.
 */
export class RssSampler {
  private readonly peaks = new Map<string, number>();
  private readonly byPhase: Record<string, Record<string, number>> = {};
  private phase = 'start';
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly pids: () => Record<string, number>) {}

  start(intervalMs = 250): void {
    const sample = async () => {
      for (const [name, pid] of Object.entries(this.pids())) {
        const mb = await rssMb(pid);
        if (mb === undefined) continue;
        this.peaks.set(name, Math.max(this.peaks.get(name) ?? 0, mb));
        const phase = (this.byPhase[this.phase] ??= {});
        phase[name] = Math.max(phase[name] ?? 0, Math.round(mb));
      }
    };
    void sample();
    this.timer = setInterval(() => void sample(), intervalMs);
    this.timer.unref();
  }

  enter(phase: string): void {
    this.phase = phase;
  }

  stop(): Record<string, number> {
    clearInterval(this.timer);
    return Object.fromEntries(this.peaks);
  }

  phases(): Record<string, Record<string, number>> {
    return this.byPhase;
  }
}
