import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

const LOGGER = fileURLToPath(new URL('../../../src/logger.ts', import.meta.url));

/** Runs a process that logs `count` lines through the service's logger, then ends as `ending` says. */
function logThenEnd(count: number, ending: string) {
  const script = `
    import { createLogger } from ${JSON.stringify(LOGGER)};
    const logger = createLogger({ level: 'info', name: 'probe' });
    for (let i = 0; i < ${count}; i += 1) logger.info({ i, authorization: 'Bearer secret-value' }, 'line');
    ${ending}
  `;
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000, maxBuffer: 64 * 1024 * 1024 });
  const lines = run.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { i: number; msg: string; authorization?: string });
  return { status: run.status, lines };
}

describe('log output: never lost at exit', function () {
  this.timeout(60_000);
  const COUNT = 20_000;

  for (const [how, ending, status] of [
    ['exits on its own', '', 0],
    ['calls process.exit at once', 'process.exit(3);', 3],
    ['dies of an uncaught exception', "setImmediate(() => { throw new Error('boom'); });", 1],
    // No exit handler runs here: only lines already written survive, which a thread-pool hand-off does not promise.
    ['is killed outright (SIGKILL) in a later turn', "setImmediate(() => process.kill(process.pid, 'SIGKILL'));", null],
  ] as const) {
    it(`writes every line, in order, when the process ${how}`, () => {
      const run = logThenEnd(COUNT, ending);
      expect(run.status).to.equal(status);
      expect(run.lines).to.have.length(COUNT);
      expect(run.lines.every((l, i) => l.i === i && l.msg === 'line')).to.equal(true);
      expect(run.lines[0]!.authorization, 'still scrubbed').to.equal('[redacted]');
    });
  }

  it('writes a line logged by an exit listener that runs after its own, when no turn ends any more', () => {
    const run = logThenEnd(COUNT, `process.on('exit', () => logger.info({ i: ${COUNT} }, 'line'));`);
    expect(run.status).to.equal(0);
    expect(run.lines.map((l) => l.i)).to.deep.equal(Array.from({ length: COUNT + 1 }, (_, i) => i));
  });

  it('loses to SIGKILL only the lines of the turn it interrupts', () => {
    // The next turn logs as many lines again and is killed before it ends: those were never written.
    const again = `setImmediate(() => { for (let i = ${COUNT}; i < ${2 * COUNT}; i += 1) logger.info({ i }, 'line'); process.kill(process.pid, 'SIGKILL'); });`;
    const run = logThenEnd(COUNT, again);
    expect(run.status).to.equal(null);
    expect(run.lines.map((l) => l.i)).to.deep.equal(Array.from({ length: COUNT }, (_, i) => i));
  });
});
