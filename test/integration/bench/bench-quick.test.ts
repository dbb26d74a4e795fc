import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';

/** Runs `npm run bench -- --quick` end to end so the harness cannot rot; the figures themselves are not judged. */
describe('npm run bench -- --quick', function () {
  this.timeout(180_000);
  const dir = mkdtempSync(join(tmpdir(), 'bench-quick-'));
  const out = join(dir, 'latest.json');
  let results: Record<string, any>;
  let output = '';

  before(async () => {
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--quick', '--out', out], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.on('exit', resolve);
    });
    expect(code, output).to.equal(0);
    results = JSON.parse(readFileSync(out, 'utf8'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const isPositive = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v > 0;

  it('measures both reads against the Koa+pg baseline and the bare node:http server, with latency percentiles in order', () => {
    for (const kind of ['character', 'overview']) {
      const r = results.read[kind];
      for (const key of ['ratio', 'rps', 'baseline_rps', 'bare_ratio', 'bare_rps', 'p50_ms', 'p95_ms', 'p99_ms']) {
        expect(isPositive(r[key]), `read.${kind}.${key} = ${r[key]}`).to.equal(true);
      }
      expect(r.p50_ms).to.be.at.most(r.p95_ms);
      expect(r.p95_ms).to.be.at.most(r.p99_ms);
      expect(r.same_json, `read.${kind}: the baseline must serve the same body`).to.equal(true);
      expect(r.same_bytes, `read.${kind}: the bare server must send the api's bytes`).to.equal(true);
      expect(r.bare_ratio).to.be.closeTo(r.rps / r.bare_rps, 0.01);
      for (const who of ['api', 'redis', 'bare']) {
        const us = r.cpu_us_per_request[who];
        expect(Number.isFinite(us) && us >= 0, `read.${kind}.cpu_us_per_request.${who} = ${us}`).to.equal(true);
      }
    }
    const names = results.targets.map((t: { name: string }) => t.name);
    expect(names).to.include.members(['read.character.bare_ratio', 'read.overview.bare_ratio']);
    expect(output).to.match(/bare node:http/);
  });

  it('syncs a guild within the per-second quota, reporting wall time, utilisation and CPU per character', () => {
    const p = results.pipeline;
    expect(p.over_quota).to.equal(0);
    for (const key of ['members', 'wall_s', 'utilisation', 'cpu_ms_per_character']) expect(isPositive(p[key]), `pipeline.${key} = ${p[key]}`).to.equal(true);
    expect(p.utilisation).to.be.at.most(1);
    expect(p.done).to.equal(p.members);
  });

  it('counts what activity costs Battle.net: two requests a character that logged in since, none for the others', () => {
    const { first_resync: first, refresh_again: again } = results.activity;
    expect(first.profile).to.equal(first.members);
    expect(first.activity, 'a first fetch reads both activity endpoints').to.equal(2 * first.members);
    expect(again.logged_in).to.be.above(0).and.below(again.refreshed);
    expect(again.activity).to.equal(2 * again.logged_in);
  });

  it('settles under a scaled-down hourly quota without tripping it', () => {
    expect(results.hourly.over_quota).to.equal(0);
    expect(results.hourly.done).to.equal(results.hourly.members);
    expect(isPositive(results.hourly.achieved_rps)).to.equal(true);
  });

  it('reads the cache hit rate from the api counters, and peak RSS of both processes', () => {
    expect(results.cache.hit_rate).to.be.within(0, 1);
    expect(results.cache.hit_rate).to.be.above(0);
    expect(results.cache.cold.hit_rate).to.be.within(0, 1);
    const sync = results.cache.sync;
    expect(sync.due, 'the sync in the middle finds members due').to.be.above(0);
    expect(sync.refreshed).to.equal(sync.due);
    expect(isPositive(sync.wall_s)).to.equal(true);
    expect(isPositive(results.rss_mb.api)).to.equal(true);
    expect(isPositive(results.rss_mb.worker)).to.equal(true);
  });

  it('runs the pipeline at several sizes and describes the machine', () => {
    expect(results.scaling).to.have.length.of.at.least(2);
    for (const s of results.scaling) {
      expect(s.over_quota).to.equal(0);
      expect(isPositive(s.wall_s) && isPositive(s.cpu_ms_per_character)).to.equal(true);
    }
    expect(results.machine.cores).to.be.a('number');
    expect(results.machine.node).to.match(/^v\d+/);
    expect(Date.parse(results.machine.date)).to.not.be.NaN;
  });
});
