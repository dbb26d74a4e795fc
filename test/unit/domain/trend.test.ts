import { expect } from 'chai';
import { trend } from '../../../src/domain/index.js';

const steady = [
  { date: '2026-04-01', itemLevel: 250 },
  { date: '2026-04-08', itemLevel: 253 },
  { date: '2026-04-15', itemLevel: 256 },
  { date: '2026-04-22', itemLevel: 259 },
];

describe('trend', () => {
  it('measures a steady weekly gain and projects the weeks to the target', () => {
    expect(trend(steady, 265, '2026-04-22')).to.deep.equal({
      weeklyGain: 3,
      projectedWeeksToTarget: 2,
      message: 'About 2 weeks to reach 265 at +3 iLvl per week',
    });
  });

  it('fits all samples rather than joining the first and last', () => {
    const bumpy = [
      { date: '2026-04-01', itemLevel: 250 },
      { date: '2026-04-08', itemLevel: 262 },
      { date: '2026-04-15', itemLevel: 256 },
      { date: '2026-04-22', itemLevel: 259 },
    ];
    // mean day 10.5, mean 256.75: Σdx·dy = 73.5, Σdx² = 245 → 0.3 a day → 2.1 a week
    expect(trend(bumpy, 265, '2026-04-22').weeklyGain).to.equal(2.1);
  });

  it('only uses the last weeks, and none after today', () => {
    const history = [{ date: '2026-01-01', itemLevel: 100 }, ...steady, { date: '2026-05-01', itemLevel: 300 }];
    expect(trend(history, 265, '2026-04-22')).to.deep.include({ weeklyGain: 3, projectedWeeksToTarget: 2 });
    expect(trend(history, 265, '2026-04-22', 1).weeklyGain).to.equal(3);
  });

  it('says 1 week in the singular', () => {
    expect(trend(steady, 261, '2026-04-22').message).to.equal('About 1 week to reach 261 at +3 iLvl per week');
  });

  it('rounds the projection up without float noise', () => {
    const slow = [
      { date: '2026-04-15', itemLevel: 249.7 },
      { date: '2026-04-22', itemLevel: 250 },
    ];
    // (250.9 - 250) / 0.3 is 3.000000000000019 in floating point; the answer is 3 weeks.
    expect(trend(slow, 250.9, '2026-04-22')).to.deep.include({ weeklyGain: 0.3, projectedWeeksToTarget: 3 });
  });

  it('projects 0 weeks once the target is reached', () => {
    expect(trend(steady, 259, '2026-04-22')).to.deep.equal({
      weeklyGain: 3,
      projectedWeeksToTarget: 0,
      message: 'Target 259 reached',
    });
    expect(trend([{ date: '2026-04-22', itemLevel: 270 }], 265, '2026-04-22').projectedWeeksToTarget).to.equal(0);
  });

  it('projects nothing when the item level is flat or falling', () => {
    const falling = [
      { date: '2026-04-15', itemLevel: 260 },
      { date: '2026-04-22', itemLevel: 259 },
    ];
    expect(trend(falling, 265, '2026-04-22')).to.deep.equal({
      weeklyGain: -1,
      projectedWeeksToTarget: null,
      message: 'Not at this pace: -1 iLvl per week',
    });
    const flat = [
      { date: '2026-04-15', itemLevel: 260 },
      { date: '2026-04-22', itemLevel: 260.01 },
    ];
    expect(trend(flat, 265, '2026-04-22')).to.deep.include({ weeklyGain: 0, projectedWeeksToTarget: null });
  });

  it('has no gain with one sample or samples all on one day', () => {
    const expected = { weeklyGain: null, projectedWeeksToTarget: null, message: 'Not enough history to measure a weekly gain' };
    expect(trend([{ date: '2026-04-22', itemLevel: 250 }], 265, '2026-04-22')).to.deep.equal(expected);
    const sameDay = [
      { date: '2026-04-22', itemLevel: 250 },
      { date: '2026-04-22', itemLevel: 252 },
    ];
    expect(trend(sameDay, 265, '2026-04-22')).to.deep.equal(expected);
  });

  it('takes the later of two same-day samples as the current item level', () => {
    const sameDay = [
      { date: '2026-04-22', itemLevel: 270 },
      { date: '2026-04-22', itemLevel: 250 },
    ];
    expect(trend(sameDay, 265, '2026-04-22').projectedWeeksToTarget).to.equal(null);
  });

  it('has nothing to say without history', () => {
    expect(trend([], 265, '2026-04-22')).to.deep.equal({
      weeklyGain: null,
      projectedWeeksToTarget: null,
      message: 'No item level history yet',
    });
  });
});
