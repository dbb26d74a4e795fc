import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { sql } from '../helpers/sql.js';
import { suiteStack } from '../helpers/stack.js';
import { waitFor, waitForIdle } from '../helpers/worker.js';
import { bearer, call, expectError, type Reply } from '../integration/api/helpers.js';
import { fingerprint } from './db-state.js';

/** Budget of each token per minute here: small, so the test reaches it in a few requests. */
const TOKEN_BUDGET = 30;
/** Each user's (and each address's unknown tokens') budget per minute here. */
const USER_BUDGET = 100;

describe('read-only API tokens', function () {
  const suite = suiteStack({ api: true, ownDatabase: true, env: { API_TOKEN_RATE_LIMIT_PER_MINUTE: String(TOKEN_BUDGET), RATE_LIMIT_PER_MINUTE: String(USER_BUDGET), CHARACTER_WAIT_MS: '3000' } });
  const users = () => suite.stack.sim.world.demoUsers;
  const jwt = (bnetId: number) => bearer(suite.stack.sim.tokenFor(bnetId));
  const get = (path: string, headers: Record<string, string>): Promise<Reply> => call(`${suite.url}${path}`, { headers });
  const send = (method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<Reply> =>
    call(`${suite.url}${path}`, {
      method,
      headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const create = async (scopes: string[], name = 'Raid sheet') => {
    const reply = await send('POST', '/guilds/1/progress/tokens', jwt(users().officer), { name, scopes });
    expect(reply.status, reply.text).to.equal(201);
    return reply.body as { id: number; token: string; name: string; scopes: string[]; last_used_at: string | null };
  };
  const dbUrl = () => suite.stack.config.databaseUrl;

  before(async () => {
    await get('/guilds/1/progress/members', jwt(users().officer));
    await waitForIdle(suite.stack.queues);
  });

  it('is shown once, stored only as its hash, listed without it, and lets a spreadsheet fetch the CSV', async () => {
    const created = await create(['overview', 'csv']);
    expect(created.token).to.match(/^pat_[A-Za-z0-9_-]{43}$/);
    expect(created).to.include({ name: 'Raid sheet', last_used_at: null });
    const stored = await sql<{ row: string; token_hash: string }>('select t::text as row, token_hash from api_tokens t where id = $1', [created.id], dbUrl());
    expect(stored[0]!.token_hash).to.equal(createHash('sha256').update(created.token).digest('hex'));
    expect(stored[0]!.row).to.not.contain(created.token.slice(4));

    const list = await get('/guilds/1/progress/tokens', jwt(users().officer));
    expect(list.status).to.equal(200);
    expect(list.text).to.not.contain(created.token.slice(4));
    expect(list.body.tokens.find((t: { id: number }) => t.id === created.id)).to.include({ name: 'Raid sheet', last_used_at: null });

    // What a spreadsheet's web query does: one GET with the token, a CSV back.
    const csv = await fetch(`${suite.url}/guilds/1/progress/members?format=csv`, { headers: { authorization: `Bearer ${created.token}` } });
    expect(csv.status).to.equal(200);
    expect(csv.headers.get('content-type')).to.equal('text/csv; charset=utf-8');
    const text = new TextDecoder('utf-8', { ignoreBOM: false }).decode(await csv.arrayBuffer());
    const [header, ...rows] = text.trim().split('\r\n');
    expect(header!.split(',').slice(0, 3)).to.deep.equal(['character_name', 'realm', 'class_name']);
    const json = await get('/guilds/1/progress/members', bearer(created.token));
    expect(json.status).to.equal(200);
    expect(rows.map((r) => r.split(',')[0])).to.deep.equal(json.body.members.map((m: { character_name: string }) => m.character_name));
    expect(rows.length).to.be.greaterThan(5);

    // Its use is recorded (once a minute at most), off the request's path.
    const used = await waitFor(async () => {
      const again = await get('/guilds/1/progress/tokens', jwt(users().officer));
      return again.body.tokens.find((t: { id: number; last_used_at: string | null }) => t.id === created.id && t.last_used_at !== null);
    }, 10_000, 'last_used_at to be recorded');
    expect(Date.parse(used.last_used_at)).to.be.closeTo(Date.now(), 60_000);
  });

  it('never writes, never reads another guild, and reads only what its scopes cover', async () => {
    const { token } = await create(['overview']);
    const asToken = bearer(token);
    // What the refused writes would change (a guild sync the worker runs meanwhile may touch the rest).
    const writable = async () => {
      const all = await fingerprint(dbUrl());
      return { guild_messages: all.guild_messages, guild_plans: all.guild_plans, team_plans: all.team_plans, tokens: all.api_tokens.rows };
    };
    const before = await writable();
    const message = await get('/guilds/1/progress/message', jwt(users().member));
    expectError(await send('PUT', '/guilds/1/progress/message', asToken, { message: 'Owned' }), 403, 'read_only_token');
    expectError(await send('DELETE', '/guilds/1/progress/message', asToken), 403, 'read_only_token');
    expectError(await send('PUT', '/guilds/1/progress/roadmap', asToken, { expansion_id: 12, weeks: [{ week: 1, ilvl_target: 1 }] }), 403, 'read_only_token');
    expectError(await send('POST', '/guilds/1/progress/team-plans', asToken, { name: 'x', ranks: [1], offset: 1 }), 403, 'read_only_token');
    expectError(await send('POST', '/guilds/1/progress/tokens', asToken, { name: 'more', scopes: ['overview'] }), 403, 'read_only_token');
    expectError(await send('POST', '/guilds/2/progress/tokens', asToken, { name: 'more', scopes: ['overview'] }), 403, 'read_only_token');
    expect(await writable(), 'nothing written').to.deep.equal(before);
    expect((await get('/guilds/1/progress/message', jwt(users().member))).body).to.deep.equal(message.body);

    for (const guild of [2, 3, 987654]) {
      const reply = await get(`/guilds/${guild}/progress/members`, asToken);
      expectError(reply, 403, 'forbidden', 'Access denied - Officer rank required');
    }
    expect((await get('/guilds/1/progress/members?sort=name&limit=3', asToken)).status).to.equal(200);
    expectError(await get('/guilds/1/progress/members?format=csv', asToken), 403, 'insufficient_scope');
    expectError(await get('/guilds/1/progress/character/Gallyboss?realm=bleeding-hollow', asToken), 403, 'insufficient_scope');
    for (const path of [
      '/message', '/message/history', '/roadmap', '/characters', '/comparisons', '/team-plans', '/tokens',
      '/integrations/events/endpoints', '/integrations/discord',
    ]) {
      expectError(await get(`/guilds/1/progress${path}`, asToken), 403, 'insufficient_scope');
    }

    const characters = await create(['characters']);
    const view = await get('/guilds/1/progress/character/Gallyboss?realm=bleeding-hollow', bearer(characters.token));
    expect(view.status, view.text).to.be.oneOf([200, 202]);
    expect((await get('/guilds/1/progress/character/Gallyboss/history?realm=bleeding-hollow', bearer(characters.token))).status).to.equal(200);
    expectError(await get('/guilds/1/progress/members', bearer(characters.token)), 403, 'insufficient_scope');
  });

  it('is refused at once when revoked, and an unknown token is refused', async () => {
    const { id, token } = await create(['overview']);
    expect((await get('/guilds/1/progress/members?limit=1', bearer(token))).status).to.equal(200);
    const revoked = await send('DELETE', `/guilds/1/progress/tokens/${id}`, jwt(users().officer));
    expect(revoked.status, revoked.text).to.equal(200);
    expect(revoked.body).to.include({ id, revoked: true });
    expectError(await get('/guilds/1/progress/members?limit=1', bearer(token)), 401, 'token_invalid');
    expect((await get('/guilds/1/progress/tokens', jwt(users().officer))).body.tokens.map((t: { id: number }) => t.id)).to.not.include(id);
    expectError(await send('DELETE', `/guilds/1/progress/tokens/${id}`, jwt(users().officer)), 404, 'token_not_found');
    expectError(await get('/guilds/1/progress/members', bearer(`pat_${'A'.repeat(43)}`)), 401, 'token_invalid');
    expectError(await get('/guilds/1/progress/members', bearer('pat_short')), 401, 'token_invalid');
  });

  it('is managed by officers only, and is rate-limited on a budget of its own', async () => {
    expectError(await send('POST', '/guilds/1/progress/tokens', jwt(users().member), { name: 'mine', scopes: ['overview'] }), 403, 'insufficient_rank');
    expectError(await get('/guilds/1/progress/tokens', jwt(users().member)), 403, 'insufficient_rank');
    expectError(await send('POST', '/guilds/1/progress/tokens', jwt(users().officer), { name: 'bad', scopes: ['write'] }), 400, 'invalid_parameter');
    expectError(await send('POST', '/guilds/1/progress/tokens', jwt(users().officer), { name: 'bad', scopes: [] }), 422, 'validation_failed');

    const { token } = await create(['overview'], 'Busy bot');
    const statuses: number[] = [];
    for (let i = 0; i < TOKEN_BUDGET + 2; i += 1) {
      const reply = await get('/guilds/1/progress/members?limit=1&summary=false', bearer(token));
      statuses.push(reply.status);
      if (i === 0) expect(reply.headers.get('ratelimit-limit')).to.equal(String(TOKEN_BUDGET));
    }
    expect(statuses.slice(0, TOKEN_BUDGET).every((s) => s === 200), statuses.join(',')).to.equal(true);
    expect(statuses.slice(TOKEN_BUDGET)).to.deep.equal([429, 429]);
    // Its creator's own budget is untouched.
    const officer = await get('/guilds/1/progress/members?limit=1&summary=false', jwt(users().officer));
    expect(officer.status).to.equal(200);
    expect(Number(officer.headers.get('ratelimit-limit'))).to.be.greaterThan(TOKEN_BUDGET);
  });

  // Last: it leaves this address unable to use any token for the rest of the minute.
  it("stops looking tokens up for an address that sent a minute's budget of unknown ones", async () => {
    const { token } = await create(['overview'], 'Before the flood');
    const statuses: number[] = [];
    for (let batch = 0; batch < USER_BUDGET / 10 + 1; batch += 1) {
      const replies = await Promise.all(
        Array.from({ length: 10 }, (_, i) => get('/guilds/1/progress/members?limit=1', bearer(`pat_${String(batch * 10 + i).padStart(43, 'x')}`))),
      );
      statuses.push(...replies.map((r) => r.status));
    }
    expect(statuses.filter((s) => s === 401).length).to.be.within(USER_BUDGET - 10, USER_BUDGET);
    expect(statuses.slice(-5)).to.deep.equal([429, 429, 429, 429, 429]);
    // Not even a valid token is looked up from this address now (its own budget is untouched, so this is not it).
    const refused = await get('/guilds/1/progress/members?limit=1', bearer(token));
    expectError(refused, 429, 'rate_limited');
    expect(Number(refused.headers.get('retry-after'))).to.be.within(1, 60);
    // Requests with a user's own token are not held back by it.
    expect((await get('/guilds/1/progress/members?limit=1', jwt(users().officer))).status).to.equal(200);
  });
});
