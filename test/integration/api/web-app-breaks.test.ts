import { expect } from 'chai';
import { findGuild, type SimGuild } from '../../../src/sim/index.js';
import { startStack, type Stack } from '../../helpers/stack.js';
import { waitForIdle } from '../../helpers/worker.js';
import { call, isolatedGuild } from './helpers.js';

/**
 * What hool.gg's web app met on its progress pages, each as the app does it: the access_token cookie, its
 * origin, no realm on the character view, no paging, an empty message to clear. One case per break.
 */
describe("hool.gg's web app on its progress pages", function () {
  let stack: Stack;
  let url: string;
  const bigSpec = isolatedGuild(130);
  let big: SimGuild;

  const asApp = (bnetId: number, init: RequestInit = {}): RequestInit => ({
    ...init,
    headers: { cookie: `access_token=${stack.sim.tokenFor(bnetId)}`, origin: 'http://localhost:3000', ...(init.headers ?? {}) },
  });
  const gmOf = (g: SimGuild) => g.members.find((m) => m.rankId === 0)!.bnetId;

  before(async () => {
    stack = await startStack({ api: true, simulator: { world: { guilds: [bigSpec] } } });
    url = stack.api!.url;
    big = findGuild(stack.sim.world, bigSpec.id)!;
    await call(`${url}/guilds/1/progress/members`, asApp(stack.sim.world.demoUsers.officer));
    await call(`${url}/guilds/${big.id}/progress/members`, asApp(gmOf(big)));
    await waitForIdle(stack.queues, 60_000);
  });
  after(async () => {
    await stack?.close();
  });

  it('words a character at or above the target `ahead` (label On Track) and filters on ahead or on_track alike', async () => {
    const officer = stack.sim.world.demoUsers.officer;
    const all = await call(`${url}/guilds/1/progress/members`, asApp(officer));
    const members: Array<{ character_name: string; status: string; status_label: string; gap: number }> = all.body.members;
    const ahead = members.filter((m) => m.gap >= 0);
    expect(ahead.length).to.be.greaterThan(0);
    for (const m of ahead) expect(m).to.include({ status: 'ahead', status_label: 'On Track' });
    for (const spelling of ['ahead', 'on_track']) {
      const filtered = await call(`${url}/guilds/1/progress/members?status=${spelling}`, asApp(officer));
      expect(filtered.status).to.equal(200);
      expect(filtered.body.members.map((m: { character_name: string }) => m.character_name)).to.deep.equal(ahead.map((m) => m.character_name));
    }
    const gm = await call(`${url}/guilds/1/progress/characters`, asApp(stack.sim.world.demoUsers.guildMaster));
    for (const c of gm.body.characters) expect(c.progress.status).to.equal(c.progress.gap >= 0 ? 'ahead' : 'behind');
  });

  it('serves the character view without a realm, on the guild’s realm', async () => {
    const reply = await call(`${url}/guilds/1/progress/character/Gallyboss`, asApp(stack.sim.world.demoUsers.member));
    expect(reply.status, reply.text).to.equal(200);
    expect(reply.body.character).to.include({ character_name: 'Gallyboss', realm: 'bleeding-hollow' });
  });

  it('returns a roster of 130 whole when no limit is given', async () => {
    const reply = await call(`${url}/guilds/${big.id}/progress/members`, asApp(gmOf(big)));
    expect(reply.status).to.equal(200);
    expect(reply.body.total).to.equal(130);
    expect(reply.body.members).to.have.length(130);
  });

  it('lets the Guild Master clear the message with "", keeping the cleared text in the history', async () => {
    const gm = gmOf(big);
    const put = (message: string) =>
      call(`${url}/guilds/${big.id}/progress/message`, asApp(gm, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message }) }));
    expect((await put('Raid at 8')).status).to.equal(200);
    const cleared = await put('');
    expect(cleared.status, cleared.text).to.equal(200);
    expect(cleared.body.gm_message).to.equal(null);
    const read = await call(`${url}/guilds/${big.id}/progress/message`, asApp(gm));
    expect(read.body).to.include({ gm_message: null, created_by: gm });
    const history = await call(`${url}/guilds/${big.id}/progress/message/history`, asApp(gm));
    expect(history.body.history.map((h: { gm_message: string }) => h.gm_message)).to.deep.equal(['', 'Raid at 8']);
  });
});

describe("hool.gg's web app on a guild's first read", function () {
  let stack: Stack;
  let url: string;
  const spec = isolatedGuild(6);

  before(async () => {
    // No worker: nothing is fetched, as in the seconds after a guild is first opened.
    stack = await startStack({ api: true, worker: false, simulator: { world: { demo: false, guilds: [spec] } } });
    url = stack.api!.url;
  });
  after(async () => {
    await stack?.close();
  });

  it('gives characters not fetched yet a class, spec and role the app can lower-case', async () => {
    const guild = findGuild(stack.sim.world, spec.id)!;
    const owner = guild.members[0]!.bnetId;
    const reply = await call(`${url}/guilds/${guild.id}/progress/characters`, {
      headers: { cookie: `access_token=${stack.sim.tokenFor(owner)}`, origin: 'http://localhost:3000' },
    });
    expect(reply.status).to.equal(200);
    expect(reply.body.characters.length).to.be.greaterThan(0);
    for (const c of reply.body.characters) {
      expect(c).to.include({ class_name: 'Unknown', spec: 'Unknown', role: 'Unknown' });
      expect(c.progress).to.include({ status: 'unknown', status_label: 'Unknown' });
    }
  });
});
