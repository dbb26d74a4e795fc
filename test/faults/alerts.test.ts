import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import type { RunningApi } from '../../src/api/server.js';
import { startWorker, type RunningWorker } from '../../src/worker/runtime.js';
import { startTestApi } from '../helpers/api.js';
import { testConfig, testLogger } from '../helpers/test-env.js';

const ALERTS = new URL('../../deploy/prometheus/alerts.yml', import.meta.url);

/** Series Prometheus makes itself (scrape health), not something a process exports. */
const SYNTHETIC = new Set(['up', 'scrape_duration_seconds', 'scrape_samples_scraped']);
const PROMQL_WORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'bool', 'offset', 'inf', 'nan']);

interface Alert {
  name: string;
  expr: string;
}

/** The `alert:` / `expr:` pairs of a Prometheus rules file; expr may be inline or a `|` block. */
export function readAlerts(yaml: string): Alert[] {
  const lines = yaml.split('\n');
  const alerts: Alert[] = [];
  let current: string | undefined;
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i] as string;
    const alert = /^\s*-\s*alert:\s*(\S+)/.exec(line);
    if (alert) current = alert[1];
    const expr = /^(\s*)expr:\s*(.*)$/.exec(line);
    if (!expr || !current) continue;
    const indent = (expr[1] as string).length;
    let text = (expr[2] as string).trim();
    if (text === '|' || text === '>' || text === '|-' || text === '>-') {
      const block: string[] = [];
      for (i += 1; i < lines.length; i += 1) {
        const next = lines[i] as string;
        if (next.trim() !== '' && next.search(/\S/) <= indent) {
          i -= 1;
          break;
        }
        block.push(next.trim());
      }
      text = block.join(' ');
    }
    alerts.push({ name: current, expr: text.replace(/^["']|["']$/g, '') });
  }
  return alerts;
}

/** Metric names a PromQL expression selects: label matchers, grouping labels, functions and keywords removed. */
export function metricNamesIn(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ');
  const names = new Set<string>();
  for (const match of stripped.matchAll(/(?<![\w.])([a-zA-Z_:][\w:]*)(\s*\()?/g)) {
    const [, name, call] = match;
    if (!name || call || PROMQL_WORDS.has(name.toLowerCase())) continue;
    names.add(name);
  }
  return [...names];
}

/** Names a /metrics page exports, with histogram and summary series folded onto their family. */
function exportedFamilies(text: string): Set<string> {
  const families = new Set<string>();
  for (const match of text.matchAll(/^# TYPE (\S+) (\w+)$/gm)) families.add(match[1] as string);
  return families;
}

function isExported(name: string, families: Set<string>): boolean {
  if (families.has(name)) return true;
  const base = name.replace(/_(bucket|sum|count|created)$/, '');
  return base !== name && families.has(base);
}

describe('deploy/prometheus/alerts.yml', () => {
  let api: RunningApi;
  let worker: RunningWorker;
  before(async () => {
    api = await startTestApi();
    worker = await startWorker(testConfig({}, 'worker'), testLogger(), { port: 0, schedule: false });
  });
  after(async () => {
    await Promise.allSettled([api?.close(), worker?.close()]);
  });

  it('reads every alert and its expression', () => {
    const alerts = readAlerts(readFileSync(ALERTS, 'utf8'));
    expect(alerts.length).to.be.greaterThan(5);
    for (const alert of alerts) expect(alert.expr, alert.name).to.not.equal('');
    expect(metricNamesIn('sum(rate(http_requests_total{status=~"5.."}[5m])) / clamp_min(sum(rate(x_total[5m])), 1e-9) > 0.05')).to.deep.equal([
      'http_requests_total',
      'x_total',
    ]);
    expect(metricNamesIn('histogram_quantile(0.95, sum by (le) (rate(a_bucket[5m]))) > 1')).to.deep.equal(['a_bucket']);
  });

  it('names only metrics that the api or the worker exports', async () => {
    const [apiText, workerText] = await Promise.all([
      fetch(`${api.url}/metrics`).then((r) => r.text()),
      fetch(`${worker.url}/metrics`).then((r) => r.text()),
    ]);
    const families = new Set([...exportedFamilies(apiText), ...exportedFamilies(workerText)]);
    const alerts = readAlerts(readFileSync(ALERTS, 'utf8'));
    const missing: string[] = [];
    for (const alert of alerts) {
      const names = metricNamesIn(alert.expr);
      expect(names, `${alert.name} selects no metric`).to.not.be.empty;
      for (const name of names) {
        if (SYNTHETIC.has(name)) continue;
        if (!isExported(name, families)) missing.push(`${alert.name}: ${name}`);
      }
    }
    expect(missing, 'alerts on metrics nobody exports').to.deep.equal([]);
  });
});
