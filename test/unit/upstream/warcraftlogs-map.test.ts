import { expect } from 'chai';
import { toGuildRanking } from '../../../src/upstream/warcraftlogs/map.js';

const guild = {
  id: 1,
  name: 'Gallywix Dive Team',
  server: { slug: 'bleeding-hollow', region: { slug: 'us' } },
  zoneRanking: { progress: { worldRank: { number: 10 }, regionRank: null, serverRank: { number: 1 } }, speed: null },
};
const zone = { id: 46, name: 'Midnight', encounters: [{ id: 1 }, { id: 2 }, { id: 3 }] };

describe('WarcraftLogs guild ranking mapping', () => {
  it('counts distinct bosses killed on the hardest difficulty with a kill', () => {
    const ranking = toGuildRanking(guild, zone, [
      { fights: [{ encounterID: 1, difficulty: 4, kill: true }, { encounterID: 2, difficulty: 4, kill: true }, { encounterID: 3, difficulty: 4, kill: true }] },
      { fights: [{ encounterID: 1, difficulty: 5, kill: true }, { encounterID: 1, difficulty: 5, kill: true }, { encounterID: 2, difficulty: 5, kill: false }] },
    ], 'us');
    expect(ranking.progress).to.deep.equal({ bossesKilled: 1, bossesTotal: 3, difficulty: 'Mythic' });
  });

  it('ignores fights of other zones and unknown difficulties, and reports none killed on Normal', () => {
    const ranking = toGuildRanking(guild, zone, [{ fights: [{ encounterID: 99, difficulty: 5, kill: true }, { encounterID: 1, difficulty: 10, kill: true }] }, { fights: null }], 'us');
    expect(ranking.progress).to.deep.equal({ bossesKilled: 0, bossesTotal: 3, difficulty: 'Normal' });
  });

  it('fills missing ranks with null and keeps the asked region when WarcraftLogs names an odd one', () => {
    const ranking = toGuildRanking({ ...guild, server: { slug: 'x', region: { slug: 'ptr' } } }, zone, [], 'eu');
    expect(ranking.ranks).to.deep.equal({ world: 10, region: null, server: 1 });
    expect(ranking.speed).to.deep.equal({ world: null, region: null, server: null });
    expect(ranking.region).to.equal('eu');
  });
});
