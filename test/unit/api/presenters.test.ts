import { expect } from 'chai';
import { membersCsv, presentOverview } from '../../../src/api/presenters/members.js';
import { presentMyCharacters, presentProgress } from '../../../src/api/presenters/character.js';
import type { MemberRecord } from '../../../src/db/tables/guild-memberships-overview.js';
import type { SeasonNow } from '../../../src/season/calendar.js';

const season: SeasonNow = {
  expansion: 'Midnight', season: 'Season 1', region: 'us', at: new Date('2026-04-15T00:00:00Z'), expansionId: 12, levelCap: 90, isGuildPlan: false,
  week: { week: 5, targetIlvl: 265, startDate: '2026-04-14', startsAt: new Date('2026-04-14T15:00:00Z'), endsAt: new Date('2026-04-21T15:00:00Z'), description: '' },
};
const member = (over: Partial<MemberRecord>): MemberRecord => ({
  characterName: 'Thrall', realm: 'area-52', className: 'Shaman', specName: 'Enhancement', role: 'DPS', rankId: 3, rankName: 'Raider',
  itemLevel: 260.4, level: 90, gap: -4.6, status: 'behind', lastUpdated: '2026-11-25T10:00:00.000Z',
  weeklyGain: 1.5, projectedWeek: null, atRisk: true, mplusScore: 2450.5, vaultSlots: 3, raidKillsThisWeek: 4,
  missingEnchants: 2, emptySockets: 0, tierPieces: 3, ...over,
});

describe('presenters', () => {
  it("prints the documented progress object for a character behind, ahead and not yet fetched", () => {
    expect(presentProgress(260.4, season.week)).to.deep.equal({
      target_ilvl: 265, current_week: 5, gap: -4.6, status: 'behind', status_label: 'Behind', message: '4.6 iLvl behind. Target: 265, Current: 260.4',
    });
    expect(presentProgress(285, season.week).message).to.equal('Ahead of schedule! Target: 265, Current: 285');
    expect(presentProgress(null, season.week)).to.include({ status: 'unknown', gap: null });
  });

  it('tells a user with no characters in the guild so', () => {
    expect(presentMyCharacters(7, season, [])).to.deep.include({ characters: [], message: 'You have no characters in this guild' });
  });

  it('puts the summary before the rows and leaves it out when asked', () => {
    const counts = {
      matching: 1, total: 4, onTrack: 1, behind: 1, unknown: 1, belowLevelCap: 1, atRisk: 1, averageIlvl: 262.2,
      vault: { known: 3, averageSlots: 2.3, bySlots: [1, 0, 1, 1, 0, 0, 0] },
    };
    const body = presentOverview(7, season, counts, [member({})], true);
    expect(Object.keys(body)).to.deep.equal(['guild_id', 'expansion', 'season', 'current_week', 'target_ilvl', 'level_cap', 'summary', 'total', 'members']);
    expect(body.level_cap).to.equal(90);
    expect(body.summary).to.deep.equal({
      total: 4, on_track: 1, behind: 1, unknown: 1, below_level_cap: 1, at_risk: 1, average_ilvl: 262.2,
      vault: { known: 3, average_slots: 2.3, by_slots: [1, 0, 1, 1, 0, 0, 0] },
    });
    expect(body.members[0]).to.include({ mplus_score: 2450.5, vault_slots: 3, raid_kills_this_week: 4 });
    expect(body.members[0]).to.include({ level: 90 });
    expect(body.members[0]).to.include({ target_ilvl: 265, status_label: 'Behind' });
    expect(presentOverview(7, season, counts, [], false)).to.not.have.property('summary');
  });

  it('writes CSV that quotes commas and defuses spreadsheet formulas in text cells', () => {
    const none = { known: 0, averageSlots: null, bySlots: [0, 0, 0, 0, 0, 0, 0] };
    const csv = membersCsv(presentOverview(1, season, { matching: 2, total: 2, onTrack: 0, behind: 2, unknown: 0, belowLevelCap: 0, atRisk: 2, averageIlvl: null, vault: none }, [
      member({}),
      member({ characterName: 'Aggra', rankName: '=HYPERLINK("x"), "Raider"', gap: -1.5 }),
    ], false).members);
    const lines = csv.split('\r\n');
    expect(lines[0]).to.equal(
      '\uFEFFcharacter_name,realm,class_name,spec,role,level,rank_id,rank_name,current_ilvl,target_ilvl,gap,status,status_label,last_updated,weekly_gain,projected_week,at_risk,mplus_score,vault_slots,raid_kills_this_week,missing_enchants,empty_sockets,tier_pieces,team_plan',
    );
    expect(lines[1]).to.equal('Thrall,area-52,Shaman,Enhancement,DPS,90,3,Raider,260.4,265,-4.6,behind,Behind,2026-11-25T10:00:00.000Z,1.5,,true,2450.5,3,4,2,0,3,');
    expect(lines[2]).to.contain(`"'=HYPERLINK(""x""), ""Raider"""`);
    expect(lines[2]).to.contain(',-1.5,');
  });
});
