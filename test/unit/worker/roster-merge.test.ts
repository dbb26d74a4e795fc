import { expect } from 'chai';
import { enrichStored, mergeRosters } from '../../../src/worker/roster-merge.js';
import type { GuildRosterMember } from '../../../src/upstream/blizzard/client.js';

const guild = { id: 7, name: 'Merge Test', realm: 'area-52', region: 'us' as const };
const onRoster = (name: string, rank: number, level = 80, realmSlug = 'area-52'): GuildRosterMember =>
  ({ name, realmSlug, level, classId: 1, className: 'Warrior', rank }) as GuildRosterMember;

describe('mergeRosters', () => {
  it('never adds a member from the Battle.net roster alone', () => {
    const merged = mergeRosters(guild, [onRoster('Thrall', 0), onRoster('Jaina', 4)], [{ characterName: 'Thrall', bnetId: 1, rankId: 0, rankName: 'Guild Master' }]);
    expect(merged.map((m) => m.nameKey)).to.deep.equal(['thrall']);
    expect(mergeRosters(guild, [onRoster('Jaina', 4)], [])).to.deep.equal([]);
  });

  it("keeps guild-api's rank even when Battle.net's roster says another", () => {
    const [thrall] = mergeRosters(guild, [onRoster('Thrall', 0)], [{ characterName: 'Thrall', bnetId: 1, rankId: 3, rankName: 'Raider' }]);
    expect(thrall).to.include({ rankId: 3, rankName: 'Raider' });
  });

  it('finds the connected realm of a member guild-api lists without one, when the roster knows it on one realm only', () => {
    const merged = mergeRosters(guild, [onRoster('Traveller', 3, 80, 'kilrogg'), onRoster('Twin', 3, 80, 'kilrogg'), onRoster('Twin', 3, 80, 'malorne')], [
      { characterName: 'Traveller', bnetId: 2, rankId: 3, rankName: 'Raider' },
      { characterName: 'Twin', bnetId: 3, rankId: 3, rankName: 'Raider' },
    ]);
    expect(merged.map((m) => [m.nameKey, m.realm])).to.deep.equal([['traveller', 'kilrogg'], ['twin', 'area-52']]);
  });

  it('keeps a low-level alt guild-api lists', () => {
    const merged = mergeRosters(guild, [onRoster('Main', 0, 80), onRoster('Bank', 4, 10)], [{ characterName: 'Bank', bnetId: 4, rankId: 6, rankName: 'Alt' }]);
    expect(merged).to.have.length(1);
    expect(merged[0]).to.include({ nameKey: 'bank', level: 10 });
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

describe('enrichStored', () => {
  it('describes stored members Battle.net lists, and adds nobody', () => {
    const stored = [{ realm: 'area-52', nameKey: 'thrall', name: 'Thrall' }, { realm: 'area-52', nameKey: 'gone', name: 'Gone' }];
    const enriched = enrichStored(stored, [onRoster('Thrall', 0, 80), onRoster('Stranger', 4)]);
    expect(enriched).to.deep.equal([{ realm: 'area-52', nameKey: 'thrall', name: 'Thrall', className: 'Warrior', level: 80, ownerBnetId: null }]);
  });
});
