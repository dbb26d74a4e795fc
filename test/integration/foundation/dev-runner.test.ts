import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { firstPortProblem } from '../../../src/cli/dev-ports.js';
import { childEnv, freePort } from '../../helpers/processes.js';
import { createDatabase, databaseUrlFor, deleteRedisKeys, dropDatabase, REDIS_URL, testRun } from '../../helpers/test-env.js';
import { waitFor } from '../../helpers/wait.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const run = promisify(execFile);

interface DevRun {
  child: ChildProcess;
  output: () => string;
  lines: () => string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * `npm run dev` as a newcomer runs it (no NODE_ENV, no secrets), in a process group of its own, with its own
 * ports, database and Redis prefix, so it can run beside the rest of the suite.
 */
function startDev(env: Record<string, string>): DevRun {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/dev.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', REDIS_URL, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { child, output: () => text, lines: () => text.split('\n').filter((l) => l.length > 0), exited };
}

function killGroup(dev: DevRun | undefined): void {
  try {
    if (dev?.child.pid) process.kill(-dev.child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** Whether anything in the process group is still alive. */
function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Local addresses (hex, as the kernel prints them) of the sockets listening on a port, IPv4 and IPv6. */
function listeningAddresses(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const out: string[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const row of readFileSync(file, 'utf8').split('\n').slice(1)) {
      const [, local, , state] = row.trim().split(/\s+/);
      if (!local || state !== '0A') continue;
      const [address, p] = local.split(':');
      if (p === hexPort && address) out.push(address);
    }
  }
  return out;
}

const withTimeout = <T>(promise: Promise<T>, ms: number, what: string) =>
  Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms))]);

describe('npm run dev', function () {
  this.timeout(90_000);
  const database = `${testRun.databaseName}_dev`;
  const prefix = `${testRun.redisPrefix}_dev`;
  const ports = { api: 0, worker: 0, sim: 0 };
  let dev: DevRun | undefined;

  before(async () => {
    await createDatabase(database);
    ports.api = await freePort();
    ports.worker = await freePort();
    ports.sim = await freePort();
    dev = startDev({
      DATABASE_URL: databaseUrlFor(database),
      REDIS_PREFIX: prefix,
      PORT: String(ports.api),
      WORKER_PORT: String(ports.worker),
      SIM_PORT: String(ports.sim),
    });
    const started = dev;
    await waitFor(async () => started.output().includes('Ctrl-C stops everything.') || started.child.exitCode !== null, 75_000, 'the banner').catch(() => undefined);
    if (!started.output().includes('Ctrl-C stops everything.')) throw new Error(`npm run dev did not print its banner:\n${started.output().slice(-3000)}`);
  });

  after(async () => {
    killGroup(dev);
    await dropDatabase(database);
    await deleteRedisKeys(prefix);
  });

  it('listens on 127.0.0.1 only: api, worker health and simulator', () => {
    for (const [name, port] of Object.entries(ports)) {
      const addresses = listeningAddresses(port);
      expect(addresses, `${name} on ${port}`).to.deep.equal(['0100007F']);
    }
  });

  it('prints human-readable log lines, not JSON', () => {
    const lines = dev!.lines();
    expect(lines.some((l) => /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO \(api\): api listening on http:\/\/127\.0\.0\.1:/.test(l))).to.equal(true);
    expect(lines.some((l) => /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO \(worker\): worker ready/.test(l))).to.equal(true);
    expect(lines.filter((l) => l.startsWith('{'))).to.deep.equal([]);
  });

  it('prints both demo guilds, the development secrets and the simulator', () => {
    const text = dev!.output();
    expect(text).to.match(/guild 1 {2}Gallywix Dive Team/);
    expect(text).to.match(/guild 2 {2}Goblin Cartel/);
    expect(text).to.contain('JWT_SECRET_KEY=development-only-jwt-secret-change-me');
    expect(text).to.contain('WEBHOOK_SECRET=development-only-webhook-secret');
    expect(text).to.contain(`SIM=http://127.0.0.1:${ports.sim}`);
  });

  it('answers 2xx to every command its banner prints', async function () {
    this.timeout(60_000);
    const lines = dev!.lines();
    const exports = lines.filter((l) => l.startsWith('  export ')).map((l) => l.trim());
    const commands = lines.filter((l) => /^ {2}(curl |ts=)/.test(l)).map((l) => l.trim());
    // Every route the banner promises is among them.
    const all = commands.join('\n');
    for (const route of ['/health', '/ready', '/metrics', '/openapi.json', '/admin/queues', '/progress/characters', '/progress/character/', '/history?weeks=', '/history?format=csv', 'members?sort=ilvl', 'members?format=csv', '/progress/comparisons', '/progress/message/history', '/progress/roadmap', '/webhooks/guild-api', '$WORKER/health', '/__admin/tokens', '/__admin/world', '/__admin/faults', '/__admin/change-gear']) {
      expect(all, route).to.contain(route);
    }
    expect(commands.filter((c) => c.includes('PUT') && c.endsWith('/progress/message'))).to.have.length(1);
    expect(commands.filter((c) => c.includes('DELETE') && c.endsWith('/progress/message'))).to.have.length(1);
    const failures: string[] = [];
    for (const command of commands) {
      const { stdout } = await run('sh', ['-c', `${exports.join('; ')}; ${command} -s -o /dev/null -w '%{http_code}'`]);
      if (!/^2\d\d$/.test(stdout.trim())) failures.push(`${stdout.trim()} ${command}`);
    }
    expect(failures).to.deep.equal([]);
    // The banner's reads tracked the demo guilds, so a sync has run.
    await waitFor(async () => /INFO \(worker\): job done .*"queue":"guild-sync"/.test(dev!.output()), 20_000, 'a guild sync');
  });

  it('stops on SIGTERM to its process group: each process logs its stop once, all exit 0 within 10 s', async () => {
    const started = dev!;
    const pid = started.child.pid as number;
    const sentAt = Date.now();
    process.kill(-pid, 'SIGTERM');
    const { code } = await withTimeout(started.exited, 10_000, 'stopping');
    await waitFor(async () => !groupAlive(pid), Math.max(0, 10_000 - (Date.now() - sentAt)), 'every process of the group to end');
    const lines = started.lines();
    const count = (pattern: RegExp) => lines.filter((l) => pattern.test(l)).length;
    expect(count(/\(api\): shutting down/)).to.equal(1);
    expect(count(/\(worker\): shutting down/)).to.equal(1);
    expect(count(/\(api\): api stopped$/)).to.equal(1);
    expect(count(/\(worker\): worker stopped$/)).to.equal(1);
    expect(count(/^simulator stopped$/)).to.equal(1);
    expect(lines.at(-1)).to.equal('dev stopped: api exited 0, worker exited 0; exit 0');
    expect(code).to.equal(0);
  });
});

describe('npm run dev with a port taken', function () {
  this.timeout(30_000);
  let blocker: Server;
  let taken: number;

  before(async () => {
    blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    taken = (blocker.address() as { port: number }).port;
  });
  after(() => {
    blocker.close();
  });

  it('names the variable of the port that clashes in one line before any banner, and exits 1', async () => {
    const dev = startDev({
      // A database that does not exist: the check must come before anything touches Postgres.
      DATABASE_URL: databaseUrlFor(`${testRun.databaseName}_never_created`),
      REDIS_PREFIX: `${testRun.redisPrefix}_devports`,
      PORT: String(await freePort()),
      WORKER_PORT: String(taken),
      SIM_PORT: String(await freePort()),
    });
    try {
      const { code } = await withTimeout(dev.exited, 25_000, 'npm run dev with a taken port');
      expect(dev.lines()).to.have.length(1);
      expect(dev.lines()[0]).to.match(new RegExp(`^port ${taken} is taken: set WORKER_PORT=\\d+$`));
      expect(code).to.equal(1);
    } finally {
      killGroup(dev);
    }
  });

  // Which variable is named for which port, in process: the run above shows the line reaches the terminal.
  it('checks every port of the stack and names the one taken, or two variables set to one port', async () => {
    const claims = async (taken: string) => [
      { variable: 'PORT', port: taken === 'PORT' ? (blocker.address() as { port: number }).port : await freePort() },
      { variable: 'WORKER_PORT', port: taken === 'WORKER_PORT' ? (blocker.address() as { port: number }).port : await freePort() },
      { variable: 'SIM_PORT', port: taken === 'SIM_PORT' ? (blocker.address() as { port: number }).port : await freePort() },
    ];
    for (const variable of ['PORT', 'WORKER_PORT', 'SIM_PORT']) {
      expect(await firstPortProblem('127.0.0.1', await claims(variable))).to.match(new RegExp(`^port ${taken} is taken: set ${variable}=\\d+$`));
    }
    expect(await firstPortProblem('127.0.0.1', await claims('none'))).to.equal(undefined);
    const same = await freePort();
    expect(await firstPortProblem('127.0.0.1', [{ variable: 'PORT', port: same }, { variable: 'WORKER_PORT', port: same }])).to.match(
      new RegExp(`^PORT and WORKER_PORT are both ${same}: set WORKER_PORT=\\d+$`),
    );
  });
});

describe('npm run api with its port taken', function () {
  this.timeout(30_000);

  it('says so in one line naming PORT, with no stack, and exits 1', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const taken = (blocker.address() as { port: number }).port;
    try {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/api/main.ts'], {
        cwd: ROOT,
        env: childEnv({ PORT: String(taken), LOG_LEVEL: 'warn' }),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const code = await withTimeout(new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c))), 25_000, 'the api with a taken port');
      expect(stderr.split('\n').filter(Boolean)).to.deep.equal([`port ${taken} is taken: set PORT=<another port>`]);
      expect(code).to.equal(1);
    } finally {
      blocker.close();
    }
  });
});

describe('npm run sim', function () {
  this.timeout(30_000);

  it('stops once on a second SIGTERM: one "shutting down", one "simulator stopped", exit 0', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/sim.ts'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', SIM_PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await waitFor(async () => text.includes('simulated upstreams on'), 20_000, 'the simulator to listen');
    child.kill('SIGTERM');
    child.kill('SIGTERM');
    const code = await withTimeout(exited, 10_000, 'stopping the simulator');
    const messages = text.split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { msg: string }).msg);
    expect(messages.filter((m) => m === 'shutting down')).to.have.length(1);
    expect(messages.filter((m) => m === 'simulator stopped')).to.have.length(1);
    expect(code).to.equal(0);
  });
});
