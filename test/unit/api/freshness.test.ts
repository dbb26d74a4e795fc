import { expect } from 'chai';
import { freshnessOf } from '../../../src/api/services/freshness.js';

describe('freshnessOf', () => {
  const now = Date.parse('2026-11-29T12:00:00Z');
  const ago = (seconds: number) => new Date(now - seconds * 1000).toISOString();

  it('counts data fresh for the TTL after it was fetched, and says how long is left', () => {
    const fresh = freshnessOf({ fetchedAt: ago(600), lastErrorAt: null }, 3600, 'Battle.net', true, now);
    expect(fresh).to.deep.equal({ stale: false, isExpired: false, refreshFailed: false, secondsLeft: 3000 });
  });

  it('flags expired data stale, without a notice (a refresh is simply due)', () => {
    const old = freshnessOf({ fetchedAt: ago(3601), lastErrorAt: null }, 3600, 'Battle.net', true, now);
    expect(old).to.include({ stale: true, isExpired: true, refreshFailed: false });
    expect(old.notice).to.equal(undefined);
  });

  it('flags data stale with a notice naming the upstream when the last refresh failed after it was fetched', () => {
    const failed = freshnessOf({ fetchedAt: ago(60), lastErrorAt: ago(30) }, 3600, 'Battle.net', true, now);
    expect(failed).to.include({ stale: true, isExpired: false, refreshFailed: true });
    expect(failed.notice).to.match(/could not be refreshed/).and.match(/Battle\.net/).and.contain(ago(60));
    const recovered = freshnessOf({ fetchedAt: ago(30), lastErrorAt: ago(60) }, 3600, 'Battle.net', true, now);
    expect(recovered.refreshFailed).to.equal(false);
  });

  it('flags everything stale, with a notice, when no refresh can be enqueued', () => {
    const offline = freshnessOf({ fetchedAt: ago(10), lastErrorAt: null }, 3600, 'WarcraftLogs', false, now);
    expect(offline).to.include({ stale: true, isExpired: false });
    expect(offline.notice).to.be.a('string');
  });
});
