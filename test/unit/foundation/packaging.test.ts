import { existsSync, readFileSync } from 'node:fs';
import { expect } from 'chai';
import { PRODUCTION_ENV, PRODUCTION_NODE_FLAGS, roleOfEntry } from '../../../src/cli/children.js';

const read = (file: string) => readFileSync(file, 'utf8');
const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string>; dependencies: Record<string, string>; devDependencies: Record<string, string> };

/** Compiled entry points (dist/src/x.js) come from these sources. */
const sourceOf = (distPath: string) => distPath.replace(/^dist\//, '').replace(/\.js$/, '.ts');

describe('packaging', () => {
  it('has every npm script operators and tooling rely on', () => {
    for (const name of ['dev', 'start', 'api', 'worker', 'build', 'typecheck', 'migrate', 'migrate:down', 'seed:targets', 'resync', 'test', 'bench']) {
      expect(pkg.scripts, name).to.have.property(name);
    }
  });

  it('points every npm script at a file that exists', () => {
    for (const [name, command] of Object.entries(pkg.scripts)) {
      for (const file of command.match(/\b(?:src|bench|scripts|dist)\/[\w/.-]+\.(?:ts|js|mjs)\b/g) ?? []) {
        const path = file.startsWith('dist/') ? sourceOf(file) : file;
        expect(existsSync(path), `${name}: ${file}`).to.equal(true);
      }
    }
  });

  it('pins every dependency exactly, with all MikroORM packages on one version', () => {
    const all = { ...pkg.dependencies, ...pkg.devDependencies };
    for (const [name, version] of Object.entries(all)) expect(version, name).to.match(/^\d+\.\d+\.\d+/);
    const orm = Object.entries(all).filter(([name]) => name.startsWith('@mikro-orm/')).map(([, v]) => v);
    expect(new Set(orm).size).to.equal(1);
  });

  for (const dockerfile of ['Dockerfile.api', 'Dockerfile.worker']) {
    it(`${dockerfile} copies and runs files that exist, as a non-root user with a health check`, () => {
      const text = read(dockerfile);
      for (const [, src] of text.matchAll(/^COPY (?!--from)(?:--\S+ )*(\S+(?: \S+)*) \S+$/gm)) {
        for (const path of (src as string).split(' ')) expect(existsSync(path), `${dockerfile}: ${path}`).to.equal(true);
      }
      for (const [, entry] of text.matchAll(/"(dist\/[^"]+\.js)"/g)) expect(existsSync(sourceOf(entry as string)), entry).to.equal(true);
      expect(text).to.match(/^USER node$/m);
      expect(text).to.contain('HEALTHCHECK');
      expect(text).to.match(/npm prune --omit=dev/);
      expect(text).to.match(/FROM node:20/);
    });
  }

  it('runs the compiled api and worker with the same Node flags and environment everywhere production runs them', () => {
    for (const [file, entry] of [['Dockerfile.api', 'api'], ['Dockerfile.worker', 'worker']] as const) {
      const flags = PRODUCTION_NODE_FLAGS[entry].join(' ');
      expect(flags).to.match(/--max-old-space-size=\d+/);
      const cmd = /^CMD \[(.*)\]$/m.exec(read(file))?.[1] ?? '';
      expect(JSON.parse(`[${cmd}]`), file).to.deep.equal(['node', ...PRODUCTION_NODE_FLAGS[entry], `dist/src/${entry}/main.js`]);
      const env = Object.entries(PRODUCTION_ENV).map(([name, value]) => `${name}=${value}`);
      expect(pkg.scripts[`start:${entry}`]).to.equal(`${env.join(' ')} node ${flags} dist/src/${entry}/main.js`);
      const dockerEnv = /^ENV (.*)$/m.exec(read(file))?.[1]?.split(' ') ?? [];
      expect(dockerEnv, file).to.include.members(env);
    }
  });

  it('collects garbage on the main thread in the worker only, and gives every other entry the api\'s flags', () => {
    expect(PRODUCTION_NODE_FLAGS.worker).to.include('--single-threaded-gc');
    expect(PRODUCTION_NODE_FLAGS.api).to.not.include('--single-threaded-gc');
    expect(roleOfEntry('worker/main')).to.equal('worker');
    expect(roleOfEntry('src/worker/main.ts')).to.equal('worker');
    expect(roleOfEntry('api/main')).to.equal('api');
    expect(roleOfEntry('cli/sim')).to.equal('api');
  });

  it('docker-compose runs postgres, redis, a one-shot migrate, the api and the worker from existing files', () => {
    const text = read('docker-compose.yml');
    for (const service of ['postgres:', 'redis:', 'migrate:', 'api:', 'worker:']) expect(text).to.contain(`\n  ${service}`);
    for (const [, file] of text.matchAll(/dockerfile: (\S+)/g)) expect(existsSync(file as string), file).to.equal(true);
    for (const [, entry] of text.matchAll(/node (dist\/\S+\.js)/g)) expect(existsSync(sourceOf(entry as string)), entry).to.equal(true);
  });

  it('lists every configuration variable in .env.example', () => {
    const example = read('.env.example');
    const config = read('src/config.ts');
    const variables = [...config.matchAll(/^ {2}([A-Z][A-Z0-9_]+): /gm)].map((m) => m[1] as string);
    expect(variables.length).to.be.greaterThan(30);
    for (const name of variables) expect(example, name).to.match(new RegExp(`^${name}=`, 'm'));
  });

  it('ends CI with exactly the README test command', () => {
    const readme = read('README.md');
    const ci = read('.ci/run');
    expect(readme).to.contain('npm ci && npm test');
    expect(ci.trim().split('\n').at(-1)).to.equal('npm ci && npm test');
  });
});
