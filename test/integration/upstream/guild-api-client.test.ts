import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { createLogger } from '../../../src/logger.js';
import { startSimulator, type Simulator } from '../../../src/sim/index.js';
import { GuildApiClient } from '../../../src/upstream/guild-api/client.js';
import { elapsedSince, JWT_SECRET } from './support/configs.js';
import { RecordedServer, json, type Reply, type SeenRequest } from './support/recorded-server.js';

const logger = createLogger({ level: 'silent' });

describe('GuildApiClient against the simulated guild-api', () => {
  let sim: Simulator;
  let client: GuildApiClient;

  before(async () => {
    sim = await startSimulator({ jwtSecretKey: JWT_SECRET });
  });
  after(async () => sim.close());
  beforeEach(() => {
    sim.resetFaults();
    client = new GuildApiClient({ baseUrl: sim.env.GUILD_API_URL as string, timeoutMs: 500, logger });
  });

  const { guildMaster, officer, member, otherGuildMember } = { guildMaster: 1001, officer: 1002, member: 1003, otherGuildMember: 1004 };

  it('allows members with their best rank and denies everyone else', async () => {
    expect(await client.checkPermission(1, guildMaster, sim.tokenFor(guildMaster))).to.deep.equal({ kind: 'allowed', rankId: 0 });
    expect(await client.checkPermission(1, officer, sim.tokenFor(officer))).to.deep.equal({ kind: 'allowed', rankId: 1 });
    expect(await client.checkPermission(1, member, sim.tokenFor(member))).to.deep.equal({ kind: 'allowed', rankId: 3 });
    expect(await client.checkPermission(2, member, sim.tokenFor(member))).to.deep.equal({ kind: 'allowed', rankId: 6 });
    expect((await client.checkPermission(1, otherGuildMember, sim.tokenFor(otherGuildMember))).kind).to.equal('denied');
    expect((await client.checkPermission(99, member, sim.tokenFor(member))).kind).to.equal('denied');
  });

  it('denies a member whose rank may not use the tool', async () => {
    sim.setProgressAccess(1, 1);
    try {
      expect((await client.checkPermission(1, member, sim.tokenFor(member))).kind).to.equal('denied');
      expect(await client.checkPermission(1, officer, sim.tokenFor(officer))).to.deep.equal({ kind: 'allowed', rankId: 1 });
    } finally {
      sim.setProgressAccess(1, null);
    }
  });

  it('denies a token guild-api does not accept', async () => {
    const forged = jwt.sign({ bnet_id: guildMaster, type: 'access' }, 'some-other-secret-key-0123456789', { algorithm: 'HS256' });
    expect((await client.checkPermission(1, guildMaster, forged)).kind).to.equal('denied');
  });

  it('gives unavailable, never allowed, when guild-api is down or too slow', async () => {
    sim.setFaults({ guildApiDown: true });
    expect((await client.checkPermission(1, guildMaster, sim.tokenFor(guildMaster))).kind).to.equal('unavailable');
    sim.setFaults({ guildApiDown: false, guildApiLatencyMs: 1500 });
    const started = performance.now();
    expect((await client.checkPermission(1, guildMaster, sim.tokenFor(guildMaster))).kind).to.equal('unavailable');
    expect(elapsedSince(started), "timed out before the 1.5 s answer").to.be.within(490, 1450);
  });

  it('lists members with owners and ranks, and realms only for other realms', async () => {
    const outcome = await client.getMembers(1, sim.tokenFor(member));
    expect(outcome.kind).to.equal('ok');
    if (outcome.kind !== 'ok') return;
    expect(outcome.data).to.have.length(sim.world.guilds[0]!.members.length);
    expect(outcome.data.find((m) => m.characterName === 'Zúljín')).to.deep.equal({ characterName: 'Zúljín', realmSlug: null, bnetId: member, rankId: 3, rankName: 'Raider' });
    const elsewhere = sim.world.guilds[0]!.members.filter((m) => m.realmSlug !== 'bleeding-hollow');
    expect(outcome.data.filter((m) => m.realmSlug !== null)).to.have.length(elsewhere.length);
  });

  it('gives not_found for the members of a guild the caller is not in', async () => {
    expect(await client.getMembers(3, sim.tokenFor(member))).to.deep.equal({ kind: 'not_found' });
  });

  it('reads the guild settings', async () => {
    expect(await client.getSettings(3, sim.tokenFor(sim.world.guilds[2]!.members[0]!.bnetId))).to.deep.equal({
      kind: 'ok',
      lastModified: null,
      data: { id: 3, name: 'Argent Vigil', realmSlug: 'argent-dawn', region: 'eu' },
    });
  });
});

describe('GuildApiClient against recorded guild-api answers', () => {
  let server: RecordedServer;
  let reply: (request: SeenRequest, index: number) => Reply;
  const token = 'header.payload.signature-of-a-user-token';
  // A generous timeout, so that a busy machine cannot turn an answer into a timeout; the tests of a hanging
  // guild-api use a short one so they stay quick.
  const client = (timeoutMs = 3000) => new GuildApiClient({ baseUrl: `${server.url}/guild-api/`, timeoutMs, logger });

  before(async () => {
    server = await new RecordedServer((request, index) => reply(request, index)).start();
  });
  after(async () => server.stop());
  beforeEach(() => {
    server.seen.length = 0;
  });

  it('forwards the user token as the access_token cookie and as a Bearer header', async () => {
    reply = () => json(200, '{"allowed":true,"rank_id":2,"reason":"ok"}');
    expect(await client().checkPermission(7, 1001, token)).to.deep.equal({ kind: 'allowed', rankId: 2 });
    const [call] = server.seen;
    expect(call?.path).to.equal('/guild-api/guilds/7/permissions/check');
    expect(call?.query.get('tool')).to.equal('progress');
    expect(call?.query.get('bnet_id')).to.equal('1001');
    expect(call?.headers.cookie).to.equal(`access_token=${token}`);
    expect(call?.headers.authorization).to.equal(`Bearer ${token}`);
  });

  it('reads allowed:false and a null rank as denied', async () => {
    reply = () => json(200, '{"allowed":false,"rank_id":4,"reason":"Tool disabled for your rank"}');
    expect(await client().checkPermission(7, 1001, token)).to.deep.equal({ kind: 'denied', reason: 'Tool disabled for your rank' });
    reply = () => json(200, '{"allowed":true,"rank_id":null,"reason":"not a member"}');
    expect((await client().checkPermission(7, 1001, token)).kind).to.equal('denied');
  });

  it('reads 401 and 403 as denied, and 5xx, bad JSON and timeouts as unavailable', async () => {
    for (const [answer, kind] of [
      [json(401, '{"error":"Not authenticated"}'), 'denied'],
      [json(403, '{"error":"Access denied"}'), 'denied'],
      [json(500, '{"error":"boom"}'), 'unavailable'],
      [json(200, 'not json'), 'unavailable'],
      [json(200, '{"allowed":"yes"}'), 'unavailable'],
      ['hang', 'unavailable'],
    ] as const) {
      reply = () => answer;
      expect((await client(answer === 'hang' ? 300 : undefined).checkPermission(7, 1001, token)).kind, JSON.stringify(answer)).to.equal(kind);
    }
  });

  it('retries a dropped connection once, and only once', async () => {
    reply = (_request, index) => (index === 0 ? 'reset' : json(200, '{"allowed":true,"rank_id":0,"reason":"ok"}'));
    expect((await client().checkPermission(7, 1001, token)).kind).to.equal('allowed');
    server.seen.length = 0;
    reply = () => 'reset';
    expect((await client().checkPermission(7, 1001, token)).kind).to.equal('unavailable');
    expect(server.seen).to.have.length(2);
  });

  it('does not retry a slow guild-api', async () => {
    reply = () => 'hang';
    await client(300).getMembers(7, token);
    expect(server.seen).to.have.length(1);
  });

  it('maps members (realm names become slugs) and settings', async () => {
    reply = () =>
      json(200, JSON.stringify({
        guild_id: 7,
        member_count: 2,
        members: [
          { character_name: 'Thrall', guild_id: 7, bnet_id: 1004, rank_id: 3, rank_name: 'Raider', last_sync: '2026-11-25T10:00:00Z' },
          { character_name: 'Jaina', guild_id: 7, bnet_id: 1005, rank_id: 1, rank_name: 'Officer', realm: "Kel'Thuzad" },
        ],
      }));
    expect(await client().getMembers(7, token)).to.deep.equal({
      kind: 'ok',
      lastModified: null,
      data: [
        { characterName: 'Thrall', realmSlug: null, bnetId: 1004, rankId: 3, rankName: 'Raider' },
        { characterName: 'Jaina', realmSlug: 'kelthuzad', bnetId: 1005, rankId: 1, rankName: 'Officer' },
      ],
    });
    reply = () => json(200, '{"guild":{"id":7,"name":"Horde Heroes","realm":"Area 52"},"permissions":[],"member_count":2,"user_rank":{"rank_id":0,"rank_name":"Guild Master"}}');
    expect(await client().getSettings(7, token)).to.deep.equal({ kind: 'ok', lastModified: null, data: { id: 7, name: 'Horde Heroes', realmSlug: 'area-52', region: null } });
  });

  it('gives not_found, bad_data and unavailable outcomes for members and settings', async () => {
    reply = () => json(403, '{"error":"Access denied"}');
    expect(await client().getMembers(7, token)).to.deep.equal({ kind: 'not_found' });
    reply = () => json(404, '{"error":"Guild not found"}');
    expect(await client().getSettings(7, token)).to.deep.equal({ kind: 'not_found' });
    reply = () => json(200, '{"members":[{"character_name":"Thrall"}]}');
    expect((await client().getMembers(7, token)).kind).to.equal('bad_data');
    reply = () => json(200, '{"guild":');
    expect((await client().getSettings(7, token)).kind).to.equal('bad_data');
    reply = () => json(503, '');
    expect((await client().getMembers(7, token)).kind).to.equal('unavailable');
  });
});
