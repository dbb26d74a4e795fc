import { expect } from 'chai';
import { got } from 'got';
import jwt from 'jsonwebtoken';
import { startSimulator, type Simulator } from '../../../src/sim/index.js';
import { JWT_SECRET } from '../upstream/support/configs.js';

describe('simulated guild-api', () => {
  let sim: Simulator;
  const call = (path: string, headers: Record<string, string> = {}) =>
    got(`${sim.env.GUILD_API_URL}${path}`, { headers, retry: { limit: 0 }, throwHttpErrors: false }).then((r) => ({ status: r.statusCode, body: JSON.parse(r.body) as Record<string, unknown> }));
  const as = (bnetId: number) => ({ authorization: `Bearer ${sim.tokenFor(bnetId)}` });

  beforeEach(async () => {
    sim = await startSimulator({ jwtSecretKey: JWT_SECRET });
  });
  afterEach(async () => sim.close());

  it('issues HS256 access tokens for users, valid for an hour', () => {
    const payload = jwt.verify(sim.tokenFor(1001), JWT_SECRET, { algorithms: ['HS256'] }) as jwt.JwtPayload;
    expect(payload).to.include({ bnet_id: 1001, type: 'access' });
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).to.equal(3600);
  });

  it('answers 401 without a token, with a bad one, or with a refresh token', async () => {
    expect((await call('/guilds/1/members')).status).to.equal(401);
    expect((await call('/guilds/1/members', { authorization: 'Bearer not-a-jwt' })).status).to.equal(401);
    const refresh = jwt.sign({ bnet_id: 1001, type: 'refresh' }, JWT_SECRET, { algorithm: 'HS256' });
    expect((await call('/guilds/1/members', { authorization: `Bearer ${refresh}` })).status).to.equal(401);
    const otherKey = jwt.sign({ bnet_id: 1001, type: 'access' }, 'another-secret-0123456789abcdef', { algorithm: 'HS256' });
    expect((await call('/guilds/1/members', { authorization: `Bearer ${otherKey}` })).status).to.equal(401);
  });

  it('accepts the access_token cookie as guild-api sets it', async () => {
    expect((await call('/guilds/1/members', { cookie: `theme=dark; access_token=${sim.tokenFor(1001)}` })).status).to.equal(200);
  });

  it('checks permission for the caller only, with the best rank among their characters', async () => {
    expect((await call('/guilds/1/permissions/check?tool=progress&bnet_id=1001', as(1001))).body).to.deep.equal({ allowed: true, rank_id: 0, reason: 'Member with rank Guild Master' });
    expect((await call('/guilds/1/permissions/check?tool=progress&bnet_id=1004', as(1004))).body).to.include({ allowed: false, rank_id: null });
    expect((await call('/guilds/1/permissions/check?tool=progress&bnet_id=1001', as(1003))).status).to.equal(403);
    expect((await call('/guilds/42/permissions/check?tool=progress&bnet_id=1001', as(1001))).status).to.equal(404);
  });

  it('lists members to members only', async () => {
    const members = await call('/guilds/2/members', as(1003));
    expect(members.status).to.equal(200);
    expect(members.body).to.include({ guild_id: 2, member_count: 20 });
    expect((members.body.members as Array<Record<string, unknown>>)[0]).to.have.keys('character_name', 'guild_id', 'bnet_id', 'rank_id', 'rank_name', 'last_sync');
    expect((await call('/guilds/3/members', as(1003))).status).to.equal(403);
  });

  it('serves the guild settings with the caller\'s rank', async () => {
    const settings = await call('/guilds/1/settings', as(1002));
    expect(settings.body.guild).to.include({ id: 1, name: 'Gallywix Dive Team', realm: 'bleeding-hollow', region: 'us' });
    expect(settings.body.user_rank).to.deep.equal({ rank_id: 1, rank_name: 'Officer' });
  });

  it('answers 503 when down and waits when slow', async () => {
    sim.setFaults({ guildApiDown: true });
    expect((await call('/guilds/1/members', as(1001))).status).to.equal(503);
    sim.setFaults({ guildApiDown: false, guildApiLatencyMs: 200 });
    const started = performance.now();
    await call('/guilds/1/members', as(1001));
    expect(performance.now() - started).to.be.at.least(190);
    expect(sim.counters().guildApi.requests).to.equal(2);
    expect(sim.counters().guildApi.byPath['/guilds/1/members']).to.equal(2);
  });

  describe('membership changes', () => {
    const names = async (guildId: number) => ((await call(`/guilds/${guildId}/members`, as(1001))).body.members as Array<{ character_name: string; rank_id: number }>);
    const roster = () => sim.world.guilds[0]!.roster.map((c) => c.name);

    it('removes a member from guild-api, and from the Battle.net roster only when asked', async () => {
      const leaver = sim.world.guilds[0]!.members.find((m) => m.bnetId >= 2000)!.characterName;
      expect(sim.removeMember(1, leaver.toUpperCase())).to.equal(true);
      expect((await names(1)).map((m) => m.character_name)).to.not.include(leaver);
      expect(roster()).to.include(leaver);

      const other = sim.world.guilds[0]!.members.find((m) => m.bnetId >= 2000)!.characterName;
      sim.removeMember(1, other, { alsoBattleNet: true });
      expect(roster()).to.not.include(other);
      expect(sim.removeMember(1, 'Nobodyhome')).to.equal(false);
    });

    it('adds a member, creating the character on Battle.net when new', async () => {
      const added = sim.addMember(1, { characterName: 'Newbie', bnetId: 1004, rankId: 4, classId: 2 }, { alsoBattleNet: true });
      expect(added).to.include({ name: 'Newbie', className: 'Paladin', ownerBnetId: 1004 });
      expect((await names(1)).find((m) => m.character_name === 'Newbie')).to.include({ rank_id: 4 });
      expect(roster()).to.include('Newbie');
      expect((await call('/guilds/1/permissions/check?tool=progress&bnet_id=1004', as(1004))).body).to.include({ allowed: true, rank_id: 4 });
    });

    it('changes a rank, and limits the tool to some ranks', async () => {
      sim.setRank(1, 'Zúljín', 1);
      expect((await call('/guilds/1/permissions/check?tool=progress&bnet_id=1003', as(1003))).body).to.include({ allowed: true, rank_id: 1 });
      sim.setProgressAccess(1, 0);
      expect((await call('/guilds/1/permissions/check?tool=progress&bnet_id=1003', as(1003))).body).to.include({ allowed: false, rank_id: 1 });
    });
  });
});
