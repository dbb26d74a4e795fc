import { expect } from 'chai';
import { got } from 'got';
import { startSimulator, type Simulator } from '../../../src/sim/index.js';
import { JWT_SECRET } from '../upstream/support/configs.js';

describe('simulated WarcraftLogs', () => {
  let sim: Simulator;
  let token: string;
  const query = (body: unknown, bearer: string | null = token) =>
    got.post(sim.env.WARCRAFTLOGS_API_URL as string, {
      json: body,
      headers: bearer ? { authorization: `Bearer ${bearer}` } : {},
      retry: { limit: 0 },
      throwHttpErrors: false,
    });
  const guildVariables = { name: 'Gallywix Dive Team', serverSlug: 'bleeding-hollow', serverRegion: 'US', zoneId: 46 };

  before(async () => {
    sim = await startSimulator({ jwtSecretKey: JWT_SECRET });
    const issued = await got.post(sim.env.WARCRAFTLOGS_OAUTH_URL as string, { username: 'simulated-client', password: 'simulated-secret', form: { grant_type: 'client_credentials' } }).json<{ access_token: string; token_type: string }>();
    expect(issued.token_type).to.equal('Bearer');
    token = issued.access_token;
  });
  after(async () => sim.close());

  it('needs a token', async () => {
    expect((await query({ query: '{ rateLimitData { limitPerHour } }' }, null)).statusCode).to.equal(401);
  });

  it('answers only the fields asked for, and counts points', async () => {
    const first = JSON.parse((await query({ query: '{ rateLimitData { limitPerHour pointsSpentThisHour pointsResetIn } }' })).body);
    expect(Object.keys(first.data)).to.deep.equal(['rateLimitData']);
    const second = JSON.parse((await query({ query: '{ rateLimitData { limitPerHour pointsSpentThisHour pointsResetIn } }' })).body);
    expect(second.data.rateLimitData.pointsSpentThisHour).to.be.greaterThan(first.data.rateLimitData.pointsSpentThisHour);
    expect(second.data.rateLimitData.limitPerHour).to.equal(3600);
  });

  it('gives a null zone for an unknown zone id and the recorded zones by id', async () => {
    const unknown = JSON.parse((await query({ query: 'query($zoneId: Int!) { worldData { zone(id: $zoneId) { id name } } }', variables: { zoneId: 7 } })).body);
    expect(unknown.data.worldData.zone).to.equal(null);
    const recorded = JSON.parse((await query({ query: 'query($zoneId: Int!) { worldData { zone(id: $zoneId) { id name } } }', variables: { zoneId: 44 } })).body);
    expect(recorded.data.worldData.zone.name).to.equal('Manaforge Omega');
  });

  it('lists wipes too when the query does not ask for kills only', async () => {
    const body = JSON.parse((await query({ query: 'query { reportData { reports { data { fights { encounterID difficulty kill } } } } }', variables: guildVariables })).body);
    const fights = body.data.reportData.reports.data.flatMap((r: { fights: Array<{ kill: boolean }> }) => r.fights);
    expect(fights.some((f: { kill: boolean }) => f.kill === false)).to.equal(true);
  });

  it('answers 503 when down and 429 once the points are spent', async () => {
    sim.setFaults({ wclDown: true });
    expect((await query({ query: '{ rateLimitData { limitPerHour } }' })).statusCode).to.equal(503);
    sim.setFaults({ wclDown: false, wclPointsSpent: 3600 });
    const limited = await query({ query: '{ rateLimitData { limitPerHour } }' });
    expect(limited.statusCode).to.equal(429);
    expect(Number(limited.headers['retry-after'])).to.be.within(1, 3600);
    sim.resetFaults();
  });

  it('answers 400 to a body that is not JSON', async () => {
    const response = await got.post(sim.env.WARCRAFTLOGS_API_URL as string, { body: '{', headers: { authorization: `Bearer ${token}` }, retry: { limit: 0 }, throwHttpErrors: false });
    expect(response.statusCode).to.equal(400);
  });
});
