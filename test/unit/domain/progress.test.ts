import { expect } from 'chai';
import fc from 'fast-check';
import { progressFor, roundTo1 } from '../../../src/domain/index.js';

describe('progressFor', () => {
  it('reports a character behind the target', () => {
    expect(progressFor(260.4, 265)).to.deep.equal({
      gap: -4.6,
      status: 'behind',
      statusLabel: 'Behind',
      message: '4.6 iLvl behind. Target: 265, Current: 260.4',
    });
  });

  it('prints whole gaps without a decimal', () => {
    expect(progressFor(260, 265).message).to.equal('5 iLvl behind. Target: 265, Current: 260');
  });

  it('counts a character ahead as on track', () => {
    expect(progressFor(285, 265)).to.deep.equal({
      gap: 20,
      status: 'ahead',
      statusLabel: 'On Track',
      message: 'Ahead of schedule! Target: 265, Current: 285',
    });
  });

  it('says when a character is exactly on target', () => {
    expect(progressFor(265, 265)).to.deep.equal({
      gap: 0,
      status: 'ahead',
      statusLabel: 'On Track',
      message: 'On target! Target: 265, Current: 265',
    });
  });

  it('treats a gap that rounds to 0 as on target', () => {
    expect(progressFor(264.96, 265)).to.deep.include({ gap: 0, status: 'ahead' });
    expect(progressFor(264.96, 265).message).to.equal('On target! Target: 265, Current: 265');
  });

  it('reports an item level not fetched yet as unknown', () => {
    expect(progressFor(null, 265)).to.deep.equal({
      gap: null,
      status: 'unknown',
      statusLabel: 'Unknown',
      message: 'Item level not fetched yet; it is being fetched',
    });
  });

  it('is behind exactly when the gap is negative', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1000, noNaN: true }), fc.integer({ min: 0, max: 1000 }), (ilvl, target) => {
        const { gap, status } = progressFor(ilvl, target);
        return gap === roundTo1(ilvl - target) && (gap < 0) === (status === 'behind') && (gap >= 0) === (status === 'ahead');
      }),
    );
  });
});
