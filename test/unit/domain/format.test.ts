import { expect } from 'chai';
import fc from 'fast-check';
import { formatNumber } from '../../../src/domain/index.js';

describe('formatNumber', () => {
  it('drops a trailing .0', () => {
    expect(formatNumber(265.0)).to.equal('265');
    expect(formatNumber(265)).to.equal('265');
  });

  it('keeps one decimal', () => {
    expect(formatNumber(260.4)).to.equal('260.4');
    expect(formatNumber(-4.6)).to.equal('-4.6');
  });

  it('hides float noise', () => {
    expect(formatNumber(260.0000001)).to.equal('260');
    expect(formatNumber(260.4 - 265)).to.equal('-4.6');
    expect(formatNumber(0.1 + 0.2)).to.equal('0.3');
    expect(formatNumber(259.99999999)).to.equal('260');
  });

  it('rounds to one decimal', () => {
    expect(formatNumber(677.875)).to.equal('677.9');
    expect(formatNumber(122.84)).to.equal('122.8');
  });

  it('never prints negative zero', () => {
    expect(formatNumber(-0.01)).to.equal('0');
  });

  it('prints at most one decimal for any number', () => {
    fc.assert(
      fc.property(fc.double({ min: -10_000, max: 10_000, noNaN: true }), (n) => /^-?\d+(\.\d)?$/.test(formatNumber(n))),
    );
  });
});
