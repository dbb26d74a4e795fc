import { expect } from 'chai';
import { ManualClock, systemClock } from '../../../src/clock.js';

describe('clock', () => {
  it('the system clock reads the machine time', () => {
    const before = Date.now();
    const read = systemClock.now().getTime();
    expect(read).to.be.within(before, Date.now());
  });

  it('a manual clock stands still until it is set or advanced', () => {
    const clock = new ManualClock('2026-12-08T14:59:59Z');
    expect(clock.now().toISOString()).to.equal('2026-12-08T14:59:59.000Z');
    expect(clock.now().toISOString()).to.equal('2026-12-08T14:59:59.000Z');
    clock.advance(1000);
    expect(clock.now().toISOString()).to.equal('2026-12-08T15:00:00.000Z');
    clock.set(new Date('2026-12-09T04:00:00Z'));
    expect(clock.now().toISOString()).to.equal('2026-12-09T04:00:00.000Z');
    clock.set(Date.parse('2026-12-09T03:59:59Z'));
    expect(clock.now().toISOString()).to.equal('2026-12-09T03:59:59.000Z');
  });

  it('hands out copies, so a caller cannot move the clock by mutating what it read', () => {
    const clock = new ManualClock('2026-12-08T15:00:00Z');
    clock.now().setUTCFullYear(2000);
    expect(clock.now().toISOString()).to.equal('2026-12-08T15:00:00.000Z');
  });

  it('refuses what is not an instant or a duration', () => {
    expect(() => new ManualClock('not a date')).to.throw(RangeError);
    expect(() => new ManualClock('2026-12-08T15:00:00Z').advance(Number.NaN)).to.throw(RangeError);
  });
});
