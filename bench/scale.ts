import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { FULL_RUN, runScaleSimulation, type ScaleOptions } from './scale-sim.js';

/**
 * `npm run simulate:scale`: the freshness scheduler and today's hourly policy against 2,000 guilds and
 * 100,000 characters on one Battle.net client for a simulated week (see bench/scale-sim.ts).
 *
 *   npm run simulate:scale                          # full run, writes bench/results/scale.json
 *   npm run simulate:scale -- --quick               # 100 guilds, 5,000 characters, one day
 *   npm run simulate:scale -- --out /tmp/scale.json
 *   npm run simulate:scale -- --set FRESHNESS_MEMBER_INTERVAL=86400   # another setting (repeatable)
 */
const { values } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, out: { type: 'string' }, set: { type: 'string', multiple: true } },
  strict: true,
});

export const QUICK_RUN: ScaleOptions = { guilds: 100, characters: 5000, days: 1, warmupDays: 1, sessionsPerDay: 3000, dormantShare: 0.25, seed: 7 };

const overrides = Object.fromEntries((values.set ?? []).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
const base = values.quick ? QUICK_RUN : FULL_RUN;
const options: ScaleOptions = { ...base, env: { ...base.env, ...overrides } };
const out = values.out ?? (values.quick ? undefined : 'bench/results/scale.json');
const result = runScaleSimulation(options);
const h = (s: number) => `${(s / 3600).toFixed(2)} h`;
for (const p of result.policies) {
  console.log(
    `${p.policy.padEnd(9)} age at read p50 ${h(p.age_at_read_s.p50)}, p95 ${h(p.age_at_read_s.p95)}, p99 ${h(p.age_at_read_s.p99)}; ` +
      `${(p.reads_within_ttl * 100).toFixed(1)} % of reads within the TTL; requests/h max ${p.requests_per_hour_max} ` +
      `(rolling ${p.requests_rolling_hour_max}), /s max ${p.requests_per_second_max}; over quota: ${p.hours_over_quota} h, ${p.seconds_over_quota} s; ` +
      `on unread characters ${p.requests_on_unread_characters}; oldest active character ${h(p.oldest_active_character_s)}; ` +
      `${(p.refreshes_not_modified_share * 100).toFixed(1)} % of refreshes 304`,
  );
}
for (const p of result.policies) console.log(p.policy, JSON.stringify(p.reads_by_kind), 'characters read', p.characters_read);
console.log(`simulated in ${(result.elapsed_ms / 1000).toFixed(1)} s`);
if (out) {
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`wrote ${out}`);
}
