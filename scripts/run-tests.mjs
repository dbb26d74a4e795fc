// Runs the suite under c8 and repeats mocha's summary line as the very last line,
// after c8's coverage report, so every run ends with "N passed, N failed".
import { spawn } from 'node:child_process';

const summary = /^\d+ passed, \d+ failed/;
let last = '';
// The whole suite unless files are named: `npm test -- test/unit/domain/season.test.ts` runs just that one.
// (The spec is not in .mocharc.json because mocha appends it to files named on the command line.)
const files = process.argv.slice(2);
const child = spawn(
  'npx',
  ['c8', '--check-coverage', '--lines', '85', 'mocha', ...(files.length > 0 ? files : ['test/**/*.test.ts'])],
  { stdio: ['inherit', 'pipe', 'inherit'] },
);
let buffered = '';
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  buffered += chunk.toString();
  const lines = buffered.split('\n');
  buffered = lines.pop() ?? '';
  for (const line of lines) if (summary.test(line)) last = line;
});
child.on('close', (code) => {
  if (summary.test(buffered)) last = buffered;
  process.stdout.write(`\n${last || '0 passed, 1 failed (the suite did not report)'}\n`);
  process.exit(code ?? 1);
});
