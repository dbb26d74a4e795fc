import { expect } from 'chai';
import { markComparisonNotFound, pruneNotFoundComparisons, saveComparison } from '../../../src/db/tables/guild-comparisons.js';
import { findGuild } from '../../../src/sim/index.js';
import { startStack, type Stack } from '../../helpers/stack.js';
import { sql } from '../../helpers/worker.js';
import { bearer, call, expectError, isolatedGuild } from './helpers.js';

describe('comparisons are bounded', function () {
  const spec = isolatedGuild(4);
  let stack: Stack;
  let token: string;
  const compare = (guildName: string) =>
    call(`${stack.api!.url}/guilds/${spec.id}/progress/comparisons?guild_name=${encodeURIComponent(guildName)}&realm=budget-realm&region=us`, {
      headers: bearer(token),
    });

  before(async () => {
    // No worker: the asks stay pending, and only the api's counting is under test.
    stack = await startStack({ api: true, worker: false, simulator: { world: { demo: false, guilds: [spec] } }, env: { COMPARISON_NAMES_PER_DAY: '3', CHARACTER_WAIT_MS: '50' } });
    token = stack.sim.tokenFor(findGuild(stack.sim.world, spec.id)!.members[0]!.bnetId);
  });
  after(async () => {
    await stack?.close();
  });

  it('lets a guild ask about at most COMPARISON_NAMES_PER_DAY distinct guilds a day, and the same ones again freely', async () => {
    for (const name of ['Alpha Budget', 'Beta Budget', 'Gamma Budget']) expect((await compare(name)).status, name).to.not.equal(429);
    const refused = await compare('Delta Budget');
    expectError(refused, 429, 'comparison_limit_reached');
    expect(Number(refused.headers.get('retry-after'))).to.be.within(1, 24 * 3600);
    // Spelled another way, a name already asked is the same guild and costs nothing.
    expect((await compare('alpha budget')).status).to.not.equal(429);
    expect((await compare('Beta Budget')).status).to.not.equal(429);
    expect((await compare('Epsilon Budget')).status).to.equal(429);
  });

  it('prunes not-found rows without a ranking once their window has passed, and nothing else', async () => {
    const em = stack.api!.deps.orm.em.fork();
    const key = (name: string) => ({ region: 'us', realm: 'prune-realm', guildNameKey: name.toLowerCase(), guildName: name });
    const old = new Date(Date.now() - 3 * 3600_000);
    await markComparisonNotFound(em, key('Gone Long Ago'), old);
    await markComparisonNotFound(em, key('Gone Just Now'), new Date());
    await saveComparison(em, key('Ranked Once'), {
      zone: { id: 1, name: 'Zone' },
      progress: { bossesKilled: 1, bossesTotal: 8, difficulty: 'Heroic' },
      ranks: { world: 5, region: 2, server: 1 },
      speed: { world: null, region: null, server: null },
      averageIlvl: null,
      logsCount: 0,
      realmGuilds: [],
    }, old);
    await markComparisonNotFound(em, key('Ranked Once'), old);
    expect(await pruneNotFoundComparisons(em, new Date(Date.now() - 3600_000))).to.equal(1);
    const left = await sql<{ guild_name: string }>(`select guild_name from guild_comparisons where realm_slug = 'prune-realm' order by guild_name`);
    expect(left.map((r) => r.guild_name)).to.deep.equal(['Gone Just Now', 'Ranked Once']);
  });
});
