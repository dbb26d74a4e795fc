import { expect } from 'chai';
import fc from 'fast-check';
import { isRealmSlug, realmSlug } from '../../../src/domain/index.js';
import { realmInputSchema } from '../../../src/queue/schemas.js';

describe('realmSlug', () => {
  const cases: Array<[string, string]> = [
    ['Aggra (Português)', 'aggra-português'],
    ["Pozzo dell'Eternità", 'pozzo-delleternità'],
    ['Area 52', 'area-52'],
    ['Azjol-Nerub', 'azjolnerub'],
    ["Kel'Thuzad", 'kelthuzad'],
    ['Kel’Thuzad', 'kelthuzad'],
    ['  Argent   Dawn ', 'argent-dawn'],
    ['Chants éternels', 'chants-éternels'],
  ];
  for (const [display, slug] of cases) {
    it(`"${display}" → ${slug}`, () => expect(realmSlug(display)).to.equal(slug));
  }

  it('keeps a slug as it is, accents included', () => {
    for (const slug of ['area-52', 'aggra-português', 'pozzo-delleternità', 'azjolnerub', 'bleeding-hollow']) {
      expect(realmSlug(slug)).to.equal(slug);
    }
  });

  it('treats a name typed with combining accents like the precomposed one', () => {
    expect(realmSlug('Aggra (Portugue\u0302s)')).to.equal('aggra-português');
  });

  it('is idempotent: a slug it produced is a slug and stays the same', () => {
    const words = fc.array(fc.stringMatching(/^[A-Za-zÀ-ÖØ-öø-ÿ0-9']{1,8}$/), { minLength: 1, maxLength: 4 });
    fc.assert(
      fc.property(words, (parts) => {
        const slug = realmSlug(parts.join(' '));
        if (slug === '') return;
        expect(isRealmSlug(slug), slug).to.equal(true);
        expect(realmSlug(slug)).to.equal(slug);
      }),
    );
  });

  it('is what the input schema stores, and it refuses text with no letters or digits', () => {
    expect(realmInputSchema.parse('Area 52')).to.equal('area-52');
    expect(realmInputSchema.safeParse("'()").success).to.equal(false);
    expect(realmInputSchema.safeParse('area_52').success).to.equal(false);
  });
});
