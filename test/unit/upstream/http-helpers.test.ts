import { expect } from 'chai';
import { z } from 'zod';
import { realmSlug } from '../../../src/domain/realm.js';
import { parseJson, retryAfterMs } from '../../../src/upstream/http.js';
import { parseWith } from '../../../src/upstream/validate.js';

describe('upstream helpers', () => {
  describe('retryAfterMs', () => {
    it('reads delta-seconds, fractions and HTTP dates, and falls back otherwise', () => {
      expect(retryAfterMs({ 'retry-after': '3' }, 1000)).to.equal(3000);
      expect(retryAfterMs({ 'retry-after': '0.5' }, 1000)).to.equal(500);
      expect(retryAfterMs({}, 1000)).to.equal(1000);
      expect(retryAfterMs({ 'retry-after': 'soon' }, 1000)).to.equal(1000);
      const inTwoSeconds = new Date(Date.now() + 2000).toUTCString();
      expect(retryAfterMs({ 'retry-after': inTwoSeconds }, 1000)).to.be.within(1000, 2000);
      expect(retryAfterMs({ 'retry-after': ['4', '9'] }, 1000)).to.equal(4000);
    });
  });

  it('parseJson never throws', () => {
    expect(parseJson('{"a":1}')).to.deep.equal({ ok: true, value: { a: 1 } });
    expect(parseJson('{"a":')).to.deep.equal({ ok: false });
  });

  it('parseWith names the failing paths but not the values', () => {
    const result = parseWith(z.object({ a: z.object({ b: z.number() }) }), { a: { b: 'secret-value' } });
    expect(result.ok).to.equal(false);
    if (result.ok) return;
    expect(result.reason).to.include('a.b');
    expect(result.reason).to.not.include('secret-value');
  });

  it('turns realm names into Battle.net slugs and leaves slugs alone', () => {
    expect(realmSlug('Area 52')).to.equal('area-52');
    expect(realmSlug("Kel'Thuzad")).to.equal('kelthuzad');
    expect(realmSlug('bleeding-hollow')).to.equal('bleeding-hollow');
    expect(realmSlug(' Argent Dawn ')).to.equal('argent-dawn');
  });
});
