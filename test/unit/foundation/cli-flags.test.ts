import { expect } from 'chai';
import { CliError, parseFlags } from '../../../src/cli/run-cli.js';

describe('parseFlags', () => {
  const spec = { name: 'seed-targets', usage: 'npm run seed:targets [-- --file plan.json]', options: { file: { type: 'string' }, yes: { type: 'boolean' } } } as const;
  const refusal = (args: string[]) => {
    try {
      parseFlags(spec, args);
    } catch (err) {
      expect(err).to.be.instanceOf(CliError);
      return (err as Error).message;
    }
    throw new Error(`accepted ${args.join(' ')}`);
  };

  it('reads the flags a tool declares, in both spellings', () => {
    expect(parseFlags(spec, ['--file', 'a.json'])).to.deep.include({ file: 'a.json' });
    expect(parseFlags(spec, ['--file=b.json', '--yes'])).to.deep.include({ file: 'b.json', yes: true });
    expect(parseFlags(spec, [])).to.deep.equal({});
  });

  it('refuses an unknown flag, a stray argument and a flag without its value, each in one line with the usage', () => {
    expect(refusal(['--bogus'])).to.equal('unknown option --bogus; usage: npm run seed:targets [-- --file plan.json]');
    expect(refusal(['plan.json'])).to.equal('unexpected argument plan.json; usage: npm run seed:targets [-- --file plan.json]');
    expect(refusal(['--file'])).to.equal('option --file needs a value; usage: npm run seed:targets [-- --file plan.json]');
    expect(refusal(['--yes=no'])).to.match(/usage: npm run seed:targets/);
    for (const args of [['--bogus'], ['plan.json'], ['--file'], ['--yes=no']]) expect(refusal(args)).not.to.contain('\n');
  });
});
