import { expect } from 'chai';
import { runScaleSimulation, type PolicyResult } from '../../../bench/scale-sim.js';

/**
 * A tiny run of `npm run simulate:scale` (50 guilds, 2,500 characters, one measured day), so the harness cannot
 * rot: every figure is there, in order, neither policy ever goes over Battle.net's quota, and a refresh of a
 * character that did not play since its last fetch costs one request (a 304 profile), any other two.
 */
describe('scale simulation (tiny run)', function () {
  this.timeout(60_000);

  it('reports every figure for both policies, with no hour over 36,000 requests and no second over 100', () => {
    const result = runScaleSimulation({ guilds: 50, characters: 2500, days: 1, warmupDays: 1, sessionsPerDay: 1500, dormantShare: 0.2, seed: 3 });
    expect(Object.keys(result)).to.have.members(['options', 'settings', 'world', 'policies', 'elapsed_ms']);
    expect(result.world).to.include({ guilds: 50, characters: 2500, dormant_guilds: 10 });
    expect(result.world.play_sessions).to.be.greaterThan(0);
    expect(result.policies.map((p) => p.policy)).to.deep.equal(['hourly', 'scheduler']);
    const keys: Array<keyof PolicyResult> = [
      'policy', 'reads', 'age_at_read_s', 'reads_within_ttl', 'requests_total', 'requests_per_hour_max', 'requests_rolling_hour_max',
      'requests_per_second_max', 'hours_over_quota', 'seconds_over_quota', 'character_refreshes', 'roster_syncs',
      'refreshes_not_modified_share', 'refreshes_measured', 'requests_on_refreshes', 'requests_on_unread_characters', 'refreshes_per_hour', 'refreshes_per_hour_on_read_characters', 'oldest_active_character_s',
      'characters_read', 'reads_by_kind',
    ];
    for (const p of result.policies) {
      expect(Object.keys(p)).to.have.members(keys);
      expect(p.reads).to.be.greaterThan(0);
      const { p50, p95, p99, max } = p.age_at_read_s;
      expect(p50).to.be.at.most(p95);
      expect(p95).to.be.at.most(p99);
      expect(p99).to.be.at.most(max);
      expect(p.requests_rolling_hour_max).to.be.at.most(result.settings.quota_per_hour);
      expect(p.requests_per_hour_max).to.be.at.most(p.requests_rolling_hour_max);
      expect(p.requests_per_second_max).to.be.at.most(result.settings.quota_per_second);
      expect(p.hours_over_quota).to.equal(0);
      expect(p.seconds_over_quota).to.equal(0);
      expect(p.reads_within_ttl).to.be.within(0, 1);
      // Characters that did not play since their last fetch answer 304: one request instead of two.
      expect(p.refreshes_not_modified_share).to.be.within(0.05, 0.99);
      const notModified = p.refreshes_not_modified_share * p.refreshes_measured;
      expect(p.requests_on_refreshes).to.be.closeTo(2 * p.refreshes_measured - notModified, p.refreshes_measured * 1e-4 + 1);
    }
    // The scheduler never refreshes members of guilds nobody opens: fewer requests on characters nobody read.
    const [hourly, scheduler] = result.policies as [PolicyResult, PolicyResult];
    expect(scheduler.requests_on_unread_characters).to.be.below(hourly.requests_on_unread_characters);
    expect(scheduler.oldest_active_character_s).to.be.at.most(result.settings.max_age_s);
  });
});
