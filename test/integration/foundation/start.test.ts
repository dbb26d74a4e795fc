import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { startSimulator, type Simulator } from '../../../src/sim/index.js';
import { childEnv, freePort } from '../../helpers/processes.js';
import { deleteRedisKeys, TEST_JWT_SECRET, testRun } from '../../helpers/test-env.js';
import { waitFor } from '../../helpers/wait.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | string>;
}

/** `npm start`'s launcher, run from its source (under tsx its children are the sources too; compiled, dist/). */
function start(env: Record<string, string>): Started {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/start.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  return { child, output: () => text, exited };
}

const answers = (url: string) => fetch(url, { signal: AbortSignal.timeout(2000) }).then((r) => r.ok, () => false);

describe('npm start', function () {
  this.timeout(90_000);
  let sim: Simulator;
  const prefix = `${testRun.redisPrefix}_start`;
  before(async () => {
    sim = await startSimulator({ jwtSecretKey: TEST_JWT_SECRET, world: { demo: false, guilds: [] } });
  });
  after(async () => {
    await sim?.close();
    await deleteRedisKeys(prefix);
  });

  it('runs the api and the worker with production settings, and stops both on SIGTERM with status 0', async () => {
    const [apiPort, workerPort] = [await freePort(), await freePort()];
    const run = start(
      childEnv({
        ...sim.env,
        NODE_ENV: 'production',
        // Test-only settings the suite's environment carries are refused in production.
        OUTBOUND_ALLOW_LOOPBACK_FOR_TESTS: undefined,
        SECRET_KEY: 'start-test-secret-0123456789abcdef',
        FORCE_HTTPS: 'false',
        TRUST_PROXY: 'false',
        HOST: '127.0.0.1',
        REDIS_PREFIX: prefix,
        PORT: String(apiPort),
        WORKER_PORT: String(workerPort),
      }),
    );
    try {
      await waitFor(async () => {
        if (run.child.exitCode !== null) throw new Error(`npm start exited ${run.child.exitCode}:\n${run.output().slice(-3000)}`);
        return (await answers(`http://127.0.0.1:${apiPort}/health`)) && (await answers(`http://127.0.0.1:${workerPort}/health`));
      }, 60_000, 'both processes healthy');
      run.child.kill('SIGTERM');
      expect(await run.exited, run.output()).to.equal(0);
      expect(await answers(`http://127.0.0.1:${apiPort}/health`)).to.equal(false);
    } finally {
      run.child.kill('SIGKILL');
    }
  });

  it('refuses a production configuration without credentials, naming them, before starting anything', async () => {
    const run = start(childEnv({ NODE_ENV: 'production', SECRET_KEY: 'start-test-secret-0123456789abcdef', BLIZZARD_CLIENT_ID: '' }));
    expect(await run.exited).to.equal(1);
    expect(run.output()).to.contain('BLIZZARD_CLIENT_ID');
  });
});
