import { expect } from 'chai';
import { findGuild, type SimGuild } from '../../../src/sim/index.js';
import { startStack, type Stack } from '../../helpers/stack.js';
import { waitForIdle } from '../../helpers/worker.js';
import { call, isolatedGuild, type Reply } from './helpers.js';
import { CHARACTER_DETAIL, CHARACTERS, COMPARISONS, fieldPaths, MEMBERS, MESSAGE, problemsOf, ROADMAP, type Shape } from './web-app-contract.js';

const APP_ORIGIN = 'http://localhost:3000';

/**
 * Every call hool.gg's progress and settings pages make, as the browser makes it (the access_token cookie,
 * the app's origin, credentials), against the real api and worker on the simulator; each answer must carry
 * every field the app reads, with the type it expects (web-app-contract.ts).
 */
describe("contract with hool.gg's web app (progress and settings pages)", function () {
  let stack: Stack;
  let url: string;
  const settingsSpec = isolatedGuild(8);
  // Another guild on the same realm, so the comparison has a guild to compare with.
  const rivalSpec = { ...isolatedGuild(3), realm: settingsSpec.realm };
  let settingsGuild: SimGuild;
  const answers = new Map<string, { reply: Reply; shape: Shape }>();

  const browser = (bnetId: number, init: RequestInit = {}): RequestInit => ({
    ...init,
    headers: { cookie: `access_token=${stack.sim.tokenFor(bnetId)}`, origin: APP_ORIGIN, ...(init.headers ?? {}) },
  });
  const json = (method: string, body: unknown) => ({ method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const expectAppCanRead = (reply: Reply) => {
    expect(reply.status, reply.text.slice(0, 300)).to.be.within(200, 299);
    // fetch(credentials: 'include') from the app's origin needs both headers, or the browser hides the answer.
    expect(reply.headers.get('access-control-allow-origin')).to.equal(APP_ORIGIN);
    expect(reply.headers.get('access-control-allow-credentials')).to.equal('true');
  };

  before(async () => {
    stack = await startStack({ api: true, simulator: { world: { guilds: [settingsSpec, rivalSpec] } } });
    url = stack.api!.url;
    settingsGuild = findGuild(stack.sim.world, settingsSpec.id)!;
    // The page's first visit tracks the guild; the worker syncs and fetches it.
    await call(`${url}/guilds/1/progress/members`, browser(stack.sim.world.demoUsers.officer));
    await waitForIdle(stack.queues);
  });
  after(async () => {
    await stack?.close();
  });

  describe('progress page (guild 1, as its Guild Master, who is also an officer)', () => {
    const gm = () => stack.sim.world.demoUsers.guildMaster;

    it('GET …/progress/characters', async () => {
      const reply = await call(`${url}/guilds/1/progress/characters`, browser(gm()));
      expectAppCanRead(reply);
      expect(problemsOf(reply.body, CHARACTERS)).to.deep.equal([]);
      answers.set('characters', { reply, shape: CHARACTERS });
    });

    it('GET …/progress/message', async () => {
      const reply = await call(`${url}/guilds/1/progress/message`, browser(gm()));
      expectAppCanRead(reply);
      expect(problemsOf(reply.body, MESSAGE)).to.deep.equal([]);
    });

    it('GET …/progress/roadmap', async () => {
      const reply = await call(`${url}/guilds/1/progress/roadmap`, browser(gm()));
      expectAppCanRead(reply);
      expect(problemsOf(reply.body, ROADMAP)).to.deep.equal([]);
      answers.set('roadmap', { reply, shape: ROADMAP });
    });

    it('GET …/progress/members (no paging, no filters)', async () => {
      const reply = await call(`${url}/guilds/1/progress/members`, browser(gm()));
      expectAppCanRead(reply);
      expect(problemsOf(reply.body, MEMBERS)).to.deep.equal([]);
      expect(reply.body.members).to.have.length(findGuild(stack.sim.world, 1)!.members.length);
      answers.set('members', { reply, shape: MEMBERS });
    });

    it('GET …/progress/character/{name} (the first of the user’s characters, no realm)', async () => {
      const mine = await call(`${url}/guilds/1/progress/characters`, browser(gm()));
      const name = mine.body.characters[0].character_name as string;
      const reply = await call(`${url}/guilds/1/progress/character/${encodeURIComponent(name)}`, browser(gm()));
      expectAppCanRead(reply);
      expect(problemsOf(reply.body, CHARACTER_DETAIL)).to.deep.equal([]);
      answers.set('character', { reply, shape: CHARACTER_DETAIL });
    });
  });

  describe('progress page, WarcraftLogs panel (the realm typed as a name, as guild-api may hold it)', () => {
    it('GET …/progress/comparisons?guild_name=&realm=&region=', async () => {
      const member = settingsGuild.members.find((m) => m.rankId > 1)!.bnetId;
      const realm = settingsSpec.realm.split('-').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(' ');
      const params = new URLSearchParams({ guild_name: settingsGuild.name, realm, region: 'us' });
      const reply = await call(`${url}/guilds/${settingsGuild.id}/progress/comparisons?${params}`, browser(member));
      expectAppCanRead(reply);
      expect(problemsOf(reply.body, COMPARISONS)).to.deep.equal([]);
      expect(reply.body.compared_guilds).to.have.length(1);
      answers.set('comparisons', { reply, shape: COMPARISONS });
    });
  });

  describe('settings page (its own guild, as its Guild Master)', () => {
    const gm = () => settingsGuild.members.find((m) => m.rankId === 0)!.bnetId;
    const base = () => `${url}/guilds/${settingsGuild.id}/progress`;

    it('GET …/message and …/roadmap, then PUT back what the page edits', async () => {
      const message = await call(`${base()}/message`, browser(gm()));
      expectAppCanRead(message);
      expect(problemsOf(message.body, MESSAGE)).to.deep.equal([]);
      const roadmap = await call(`${base()}/roadmap`, browser(gm()));
      expectAppCanRead(roadmap);
      expect(problemsOf(roadmap.body, ROADMAP)).to.deep.equal([]);

      expectAppCanRead(await call(`${base()}/message`, browser(gm(), json('PUT', { message: 'Vault first, then keys' }))));
      expectAppCanRead(await call(`${base()}/message`, browser(gm(), json('PUT', { message: '' }))));
      // handleAddWeek: the next week after the highest, three item levels above the last one.
      const weeks = [...roadmap.body.weeks];
      const highest = Math.max(...weeks.map((w: { week: number }) => w.week));
      weeks.push({ expansion_id: roadmap.body.expansion_id, week: highest + 1, ilvl_target: weeks.at(-1).ilvl_target + 3 });
      const saved = await call(`${base()}/roadmap`, browser(gm(), json('PUT', { expansion_id: roadmap.body.expansion_id, weeks })));
      expectAppCanRead(saved);
      const again = await call(`${base()}/roadmap`, browser(gm()));
      expect(problemsOf(again.body, ROADMAP)).to.deep.equal([]);
      expect(again.body.weeks.find((w: { week: number }) => w.week === highest + 1)).to.include({ ilvl_target: weeks.at(-1).ilvl_target });
    });

    it('answers the browser’s preflight for the PUTs from the app’s origin', async () => {
      const reply = await call(`${base()}/roadmap`, {
        method: 'OPTIONS',
        headers: { origin: APP_ORIGIN, 'access-control-request-method': 'PUT', 'access-control-request-headers': 'content-type' },
      });
      expect(reply.status).to.be.within(200, 299);
      expect(reply.headers.get('access-control-allow-origin')).to.equal(APP_ORIGIN);
      expect(reply.headers.get('access-control-allow-methods') ?? '').to.include('PUT');
    });
  });

  describe('the check itself', () => {
    it('fails when any field the app reads is removed or given another type', () => {
      expect(answers.size).to.equal(5);
      for (const [name, { reply, shape }] of answers) {
        for (const { path, field } of fieldPaths(shape)) {
          const removed = structuredClone(reply.body);
          const retyped = structuredClone(reply.body);
          const parentOf = (body: Record<string, unknown>) => path.slice(0, -1).reduce<any>((node, key) => node[key], body);
          const leaf = path.at(-1)!;
          // A field the app may miss must still never be null: its guard would let null through.
          if (field.optional) parentOf(removed)[leaf] = null;
          else delete parentOf(removed)[leaf];
          parentOf(retyped)[leaf] = true;
          const change = field.optional ? 'nulled' : 'removed';
          expect(problemsOf(removed, shape), `${name}: ${path.join('.')} ${change}`).to.not.deep.equal([]);
          expect(problemsOf(retyped, shape), `${name}: ${path.join('.')} retyped`).to.not.deep.equal([]);
        }
      }
    });
  });
});
