import { expect } from 'chai';
import { findGuild, type SimGuild } from '../../../src/sim/index.js';
import { startStack, type Stack } from '../../helpers/stack.js';
import { bearer, call, expectError, isolatedGuild } from './helpers.js';

describe("the GM's message: PUT/GET /guilds/:id/progress/message and its history", function () {
  let stack: Stack;
  let url: string;
  let guild: SimGuild;
  // More characters than the Guild Master and three officers can have (three each at most), so some user ranks
  // below officer whatever the seed.
  const spec = isolatedGuild(13);
  const byRank = (test: (rank: number) => boolean) => guild.members.find((m) => test(m.rankId))!.bnetId;
  let gm: number;
  let officer: number;
  let member: number;

  const put = (bnetId: number, body: string, contentType = 'application/json') =>
    call(`${url}/guilds/${guild.id}/progress/message`, {
      method: 'PUT',
      headers: { ...bearer(stack.sim.tokenFor(bnetId)), 'content-type': contentType },
      body,
    });
  const get = (bnetId: number, path = 'message') => call(`${url}/guilds/${guild.id}/progress/${path}`, { headers: bearer(stack.sim.tokenFor(bnetId)) });

  before(async () => {
    stack = await startStack({ api: true, worker: false, simulator: { seed: 77, world: { demo: false, guilds: [spec] } } });
    url = stack.api!.url;
    guild = findGuild(stack.sim.world, spec.id)!;
    gm = byRank((r) => r === 0);
    // A user's rank is their best character's, so the officer and member are picked by their best rank.
    const best = (bnetId: number) => Math.min(...guild.members.filter((m) => m.bnetId === bnetId).map((m) => m.rankId));
    officer = guild.members.find((m) => best(m.bnetId) === 1)!.bnetId;
    member = guild.members.find((m) => best(m.bnetId) >= 3)!.bnetId;
  });
  after(async () => {
    await stack?.close();
  });

  it('answers gm_message null before any message was set', async () => {
    const reply = await get(member);
    expect(reply.status).to.equal(200);
    expect(reply.body).to.deep.equal({ guild_id: guild.id, gm_message: null, created_by: null, updated_at: null });
  });

  it('lets the Guild Master write it (200) and any member read it back exactly as written', async () => {
    const text = '  Focus on DPS! <b>not html</b> & "quotes" 🐉  ';
    const written = await put(gm, JSON.stringify({ message: text }));
    expect(written.status).to.equal(200);
    expect(written.body).to.include({ guild_id: guild.id, gm_message: text, created_by: gm });
    expect(Date.parse(written.body.updated_at)).to.be.closeTo(Date.now(), 60_000);
    const read = await get(member);
    expect(read.body).to.deep.equal(written.body);
  });

  it('refuses a write from anyone but the Guild Master with the original message', async () => {
    expectError(await put(officer, JSON.stringify({ message: 'officers rule' })), 403, 'insufficient_rank', 'Access denied - Guild Master only');
    expectError(await put(member, JSON.stringify({ message: 'members rule' })), 403, 'insufficient_rank', 'Access denied - Guild Master only');
  });

  it('keeps every version, newest first, for officers only', async () => {
    await put(gm, JSON.stringify({ message: 'second' }));
    await put(gm, JSON.stringify({ message: 'third' }));
    const history = await get(officer, 'message/history');
    expect(history.status).to.equal(200);
    expect(history.body.total).to.equal(3);
    expect(history.body.history.map((h: { gm_message: string }) => h.gm_message.trim())).to.deep.equal(['third', 'second', 'Focus on DPS! <b>not html</b> & "quotes" 🐉']);
    expect((await get(member)).body.gm_message).to.equal('third');
    expectError(await get(member, 'message/history'), 403, 'insufficient_rank', 'Access denied - Officer rank required');
  });

  it('lets the Guild Master clear it with DELETE, recorded in the history; anyone else is refused and changes nothing', async () => {
    const del = (bnetId: number) => call(`${url}/guilds/${guild.id}/progress/message`, { method: 'DELETE', headers: bearer(stack.sim.tokenFor(bnetId)) });
    await put(gm, JSON.stringify({ message: 'before the clear' }));
    const total = (await get(officer, 'message/history')).body.total as number;
    expectError(await del(officer), 403, 'insufficient_rank', 'Access denied - Guild Master only');
    expectError(await del(member), 403, 'insufficient_rank', 'Access denied - Guild Master only');
    expect((await get(member)).body.gm_message).to.equal('before the clear');
    expect((await get(officer, 'message/history')).body.total).to.equal(total);

    const cleared = await del(gm);
    expect(cleared.status).to.equal(200);
    expect(cleared.body).to.include({ guild_id: guild.id, gm_message: null, created_by: gm });
    expect((await get(member)).body).to.deep.equal(cleared.body);
    const history = await get(officer, 'message/history');
    expect(history.body.total).to.equal(total + 1);
    expect(history.body.history[0]).to.include({ gm_message: '', created_by: gm });
    expect(history.body.history[1]).to.include({ gm_message: 'before the clear' });

    // A browser on the web app's origin may send it.
    const preflight = await call(`${url}/guilds/${guild.id}/progress/message`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:3000', 'access-control-request-method': 'DELETE' },
    });
    expect(preflight.status).to.be.within(200, 299);
    expect(preflight.headers.get('access-control-allow-methods') ?? '').to.include('DELETE');
  });

  it('checks the text: at most 2000 characters after trimming (422), the field present (400), JSON only (415)', async () => {
    expectError(await put(gm, JSON.stringify({ message: 'x'.repeat(2001) })), 422, 'validation_failed');
    expect((await put(gm, JSON.stringify({ message: `  ${'y'.repeat(2000)}  ` }))).status).to.equal(200);
    const missing = await put(gm, JSON.stringify({ text: 'wrong field' }));
    expectError(missing, 400, 'invalid_parameter');
    expect(missing.body.details[0]).to.include({ field: 'message', in: 'body' });
    expectError(await put(gm, JSON.stringify({ message: 42 })), 400, 'invalid_parameter');
    expectError(await put(gm, '{"message": "unterminated'), 400, 'malformed_json');
    expectError(await put(gm, 'message=hello', 'text/plain'), 415, 'unsupported_media_type');
    expectError(await put(gm, JSON.stringify({ message: 'x'.repeat(17 * 1024) })), 413, 'payload_too_large');
  });

  it('refuses text it could not store as sent (an unpaired surrogate, NUL) with 400, and keeps a valid pair', async () => {
    const before = (await call(`${url}/guilds/${guild.id}/progress/message`, { headers: bearer(stack.sim.tokenFor(gm)) })).body.gm_message;
    for (const raw of ['{"message": "half \\ud800 a pair"}', '{"message": "\\udc00 trailing half"}', '{"message": "nul \\u0000 inside"}']) {
      const reply = await put(gm, raw);
      expectError(reply, 400, 'invalid_parameter');
      expect(reply.body.details[0]).to.include({ field: 'message', in: 'body' });
    }
    expect((await call(`${url}/guilds/${guild.id}/progress/message`, { headers: bearer(stack.sim.tokenFor(gm)) })).body.gm_message).to.equal(before);
    const pair = await put(gm, '{"message": "a whole pair \\ud83d\\ude00"}');
    expect(pair.status).to.equal(200);
    expect(pair.body.gm_message).to.equal('a whole pair \u{1F600}');
  });
});
