import { expect } from 'chai';
import { suiteStack } from '../helpers/stack.js';
import { fingerprint } from './db-state.js';
import { accessToken } from './jwt-forge.js';
import { documentedOperations, GUILD_ROUTES, NOT_GUILD_ROUTES, okStatusesOf, requestInit, type Level } from './routes.js';

interface Reply {
  status: number;
  body: unknown;
}

async function send(url: string, init: RequestInit): Promise<Reply> {
  const res = await fetch(url, init);
  const text = await res.text();
  try {
    return { status: res.status, body: JSON.parse(text) };
  } catch {
    return { status: res.status, body: text.slice(0, 200) };
  }
}

const RANK_OF: Record<string, number> = { guildMaster: 0, officer: 1, member: 3 };
const MAX_RANK: Record<Level, number> = { member: Infinity, officer: 1, gm: 0 };

describe('guild isolation and ranks', () => {
  // No worker: a character miss answers 202 after the bounded wait, kept short here. A database of its own:
  // other files change the demo guilds' membership in the run's shared one, and these tests need guild 1's
  // members to be members.
  const suite = suiteStack({ api: true, worker: false, ownDatabase: true, env: { CHARACTER_WAIT_MS: '100' } });

  it('walks every documented route', async () => {
    const walked = new Set(GUILD_ROUTES.map((r) => `${r.method} ${r.template}`));
    const documented = (await documentedOperations(suite.url)).filter((op) => !NOT_GUILD_ROUTES.has(op));
    expect(documented.filter((op) => !walked.has(op)), 'routes this file does not walk').to.deep.equal([]);
  });

  it('gives the Guild Master and an officer of guild 1 only 403 on every route of guild 2, after a 200 in guild 1', async () => {
    const { demoUsers } = suite.stack.sim.world;
    for (const [who, bnetId] of [['guild master', demoUsers.guildMaster], ['officer', demoUsers.officer]] as const) {
      const guilds = suite.stack.sim.world.guilds.filter((g) => g.members.some((m) => m.bnetId === bnetId)).map((g) => g.id);
      expect(guilds, `${who} belongs to guild 1 only`).to.deep.equal([1]);
      const headers = { authorization: `Bearer ${accessToken(bnetId)}` };
      // A granted decision for guild 1 is cached first: it must not leak into guild 2.
      const home = await send(`${suite.url}/guilds/1/progress/roadmap`, { headers });
      expect(home.status).to.equal(200);

      const before = await fingerprint(suite.stack.config.databaseUrl);
      for (const route of GUILD_ROUTES) {
        for (const guildId of [2, 3, 987654]) {
          const reply = await send(`${suite.url}${route.path(suite.stack.sim, guildId)}`, requestInit(route, headers));
          const label = `${who}: ${route.method} ${route.path(suite.stack.sim, guildId)}`;
          expect(reply.status, `${label} ${JSON.stringify(reply.body)}`).to.equal(403);
          expect(reply.body, label).to.deep.include({ error: route.deniedMessage });
          expect(Object.keys(reply.body as object).sort(), label).to.deep.equal(['code', 'error']);
        }
      }
      expect(await fingerprint(suite.stack.config.databaseUrl), 'nothing written for refused requests').to.deep.equal(before);
    }
  });

  it('applies the rank rules of guild 1 on every route: member, officer, Guild Master', async () => {
    const { demoUsers } = suite.stack.sim.world;
    const wrong: string[] = [];
    for (const [role, bnetId] of Object.entries({ guildMaster: demoUsers.guildMaster, officer: demoUsers.officer, member: demoUsers.member })) {
      const rank = RANK_OF[role] as number;
      const headers = { authorization: `Bearer ${accessToken(bnetId)}` };
      for (const route of GUILD_ROUTES) {
        const reply = await send(`${suite.url}${route.path(suite.stack.sim, 1)}`, requestInit(route, headers));
        const allowed = rank <= MAX_RANK[route.level];
        const isOk = allowed
          ? okStatusesOf(route).includes(reply.status)
          : reply.status === 403 && (reply.body as { error?: string }).error === route.deniedMessage;
        if (!isOk) wrong.push(`${role} (rank ${rank}) ${route.method} ${route.template}: ${reply.status} ${JSON.stringify(reply.body).slice(0, 120)}`);
      }
    }
    expect(wrong).to.deep.equal([]);
  });

  it('never shows a user the characters of another user, even in a guild they share', async () => {
    const { demoUsers } = suite.stack.sim.world;
    const reply = await send(`${suite.url}/guilds/1/progress/characters`, { headers: { authorization: `Bearer ${accessToken(demoUsers.member)}` } });
    expect(reply.status).to.equal(200);
    const names = (reply.body as { characters: Array<{ character_name: string }> }).characters.map((c) => c.character_name);
    const own = suite.stack.sim.world.guilds
      .find((g) => g.id === 1)!
      .members.filter((m) => m.bnetId === demoUsers.member)
      .map((m) => m.characterName);
    expect(names.sort()).to.deep.equal(own.sort());
    // The same user's alt in guild 2 never shows in guild 1.
    expect(names).to.not.include('Voljin');
  });
});
