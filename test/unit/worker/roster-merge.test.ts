import { expect } from 'chai';
import { maxLevelMembers, mergeRosters } from '../../../src/worker/roster-merge.js';
import type { GuildRosterMember } from '../../../src/upstream/blizzard/client.js';

const guild = { id: 7, name: 'Merge Test', realm: 'area-52', region: 'us' as const };
const onRoster = (name: string, rank: number, level = 80, realmSlug = 'area-52'): GuildRosterMember =>
  ({ name, realmSlug, level, classId: 1, className: 'Warrior', rank }) as GuildRosterMember;

describe('mergeRosters', () => {
  it('takes the Battle.net roster as the member list when guild-api sent none', () => {
    const merged = mergeRosters(guild, [onRoster('Thrall', 0), onRoster('Jaina', 4)], undefined);
    expect(merged.map((m) => [m.name, m.rankId, m.ownerBnetId])).to.deep.equal([['Thrall', 0, null], ['Jaina', 4, null]]);
  });

  it("lets guild-api's list decide who is a member, even when the roster still lists a leaver", () => {
    const merged = mergeRosters(guild, [onRoster('Thrall', 0), onRoster('Leaver', 4)], [
      { characterName: 'thrall', bnetId: 1001, rankId: 0, rankName: 'Guild Master' },
      { characterName: 'Newcomer', bnetId: 1002, rankId: 5, rankName: 'Trial' },
    ]);
    expect(merged.map((m) => m.nameKey)).to.deep.equal(['thrall', 'newcomer']);
  });

  it('spells and classes a character as Battle.net does, owns and ranks it as guild-api does', () => {
    const [thrall] = mergeRosters(guild, [onRoster('Thrall', 3)], [{ characterName: 'THRALL', bnetId: 1001, rankId: 1, rankName: 'Officer' }]);
    expect(thrall).to.deep.include({ name: 'Thrall', className: 'Warrior', level: 80, ownerBnetId: 1001, rankId: 1, rankName: 'Officer', realm: 'area-52' });
  });

  it("places a guild-api member on its own realm when given, else on the guild's", () => {
    const merged = mergeRosters(guild, null, [
      { characterName: 'Visitor', realm: 'kilrogg', bnetId: 5, rankId: 3, rankName: 'Raider' },
      { characterName: 'Local', bnetId: 6, rankId: 3, rankName: 'Raider' },
    ]);
    expect(merged.map((m) => m.realm)).to.deep.equal(['kilrogg', 'area-52']);
    expect(merged[0]!.className).to.equal(null);
  });
});

describe('maxLevelMembers', () => {
  it('keeps only the characters at the highest level on the roster', () => {
    const kept = maxLevelMembers([onRoster('Main', 0, 80), onRoster('Bank', 4, 10), onRoster('Alt', 4, 72)]);
    expect(kept.map((m) => m.name)).to.deep.equal(['Main']);
  });
});
