import { expect } from 'chai';
import { suiteStack } from '../helpers/stack.js';
import { accessToken, forgeries } from './jwt-forge.js';
import { GUILD_ROUTES, okStatusesOf, requestInit } from './routes.js';

describe('access tokens', () => {
  // No worker: a character miss answers 202 after the bounded wait, kept short here. A database of its own:
  // other files change the demo guilds' membership in the run's shared one, and these tests need guild 1's
  // members to be members.
  const suite = suiteStack({ api: true, worker: false, ownDatabase: true, env: { CHARACTER_WAIT_MS: '100' } });
  const guildMaster = 1001;

  it('accepts the genuine token on every route (so the refusals below are about the token)', async () => {
    for (const route of GUILD_ROUTES) {
      const res = await fetch(`${suite.url}${route.path(suite.stack.sim, 1)}`, requestInit(route, { authorization: `Bearer ${accessToken(guildMaster)}` }));
      await res.body?.cancel();
      expect(res.status, `${route.method} ${route.template}`).to.be.oneOf(okStatusesOf(route));
    }
  });

  const transports: Array<[string, (token: string) => Record<string, string>]> = [
    ['Authorization: Bearer', (token) => ({ authorization: `Bearer ${token}` })],
    ['access_token cookie', (token) => ({ cookie: `access_token=${token}` })],
  ];

  for (const [transport, headersFor] of transports) {
    it(`answers 401 "Not authenticated" to every forgery on every route (${transport}), without asking guild-api`, async () => {
      const before = suite.stack.sim.counters().guildApi.requests;
      const wrong: string[] = [];
      for (const forgery of forgeries(guildMaster)) {
        for (const route of GUILD_ROUTES) {
          const res = await fetch(`${suite.url}${route.path(suite.stack.sim, 1)}`, requestInit(route, headersFor(forgery.token)));
          const text = await res.text();
          let body: unknown;
          try {
            body = JSON.parse(text);
          } catch {
            body = text.slice(0, 80);
          }
          const isRefused =
            res.status === 401 &&
            typeof body === 'object' &&
            body !== null &&
            (body as { error?: unknown }).error === 'Not authenticated' &&
            typeof (body as { code?: unknown }).code === 'string';
          if (!isRefused) wrong.push(`${forgery.name} → ${route.method} ${route.template}: ${res.status} ${JSON.stringify(body)}`);
        }
      }
      expect(wrong).to.deep.equal([]);
      expect(suite.stack.sim.counters().guildApi.requests - before, 'guild-api calls made for forged tokens').to.equal(0);
    });
  }

  it('does not fall back to the cookie when the Authorization header carries a bad token', async () => {
    const forged = forgeries(guildMaster).find((f) => f.name === 'HS256 signed with another key')!.token;
    const res = await fetch(`${suite.url}/guilds/1/progress/roadmap`, {
      headers: { authorization: `Bearer ${forged}`, cookie: `access_token=${accessToken(guildMaster)}` },
    });
    await res.body?.cancel();
    expect(res.status).to.equal(401);
  });

  it('answers 401 to a malformed Authorization header, even with the right secret nearby', async () => {
    const token = accessToken(guildMaster);
    for (const header of [`Bearer`, `Bearer  `, `Token ${token}`, `Basic ${Buffer.from(`x:${token}`).toString('base64')}`, `Bearer ${token} extra`, token]) {
      const res = await fetch(`${suite.url}/guilds/1/progress/roadmap`, { headers: { authorization: header } });
      await res.body?.cancel();
      expect(res.status, header.slice(0, 30)).to.equal(401);
    }
  });
});
