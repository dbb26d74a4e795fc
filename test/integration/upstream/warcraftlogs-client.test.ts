import { expect } from 'chai';
import { createLogger } from '../../../src/logger.js';
import { startSimulator, type Simulator } from '../../../src/sim/index.js';
import { DEFAULT_ZONE_ID, WarcraftLogsClient } from '../../../src/upstream/warcraftlogs/client.js';
import { GUILD_PROGRESS_QUERY } from '../../../src/upstream/warcraftlogs/query.js';
import { elapsedSince, JWT_SECRET, wclConfigFor } from './support/configs.js';
import { RecordedServer, json, sample, sampleJson, type Reply, type SeenRequest } from './support/recorded-server.js';

const logger = createLogger({ level: 'silent' });
const GALLYWIX = { name: 'Gallywix Dive Team', realmSlug: 'bleeding-hollow', region: 'us' } as const;

describe('WarcraftLogsClient against the simulated WarcraftLogs', () => {
  let sim: Simulator;
  let client: WarcraftLogsClient;

  before(async () => {
    sim = await startSimulator({ jwtSecretKey: JWT_SECRET });
  });
  after(async () => sim.close());
  beforeEach(() => {
    sim.resetFaults();
    sim.resetCounters();
    client = new WarcraftLogsClient({ config: wclConfigFor(sim), logger, timeoutMs: 1000, retryDelaysMs: [5] });
  });

  it('reads a guild ranking of the default zone, with bosses killed on the hardest difficulty', async () => {
    const outcome = await client.getGuildRanking(GALLYWIX);
    expect(outcome.kind).to.equal('ok');
    if (outcome.kind !== 'ok') return;
    const wcl = sim.world.guilds[0]!.warcraftLogs;
    expect(outcome.data).to.deep.include({ guildName: 'Gallywix Dive Team', realmSlug: 'bleeding-hollow', region: 'us' });
    expect(outcome.data.zone.id).to.equal(DEFAULT_ZONE_ID);
    expect(outcome.data.progress).to.deep.equal({ bossesKilled: 4, bossesTotal: 9, difficulty: 'Mythic' });
    expect(outcome.data.ranks.world).to.equal(wcl.progressRank);
    expect(outcome.data.speed.world).to.equal(wcl.speedRank);
  });

  it('reports a guild without Mythic kills by its Heroic progress, with no speed rank', async () => {
    const outcome = await client.getGuildRanking({ name: 'goblin cartel', realmSlug: 'area-52', region: 'us' });
    expect(outcome.kind).to.equal('ok');
    if (outcome.kind !== 'ok') return;
    expect(outcome.data.progress).to.deep.equal({ bossesKilled: 6, bossesTotal: 9, difficulty: 'Heroic' });
    expect(outcome.data.speed).to.deep.equal({ world: null, region: null, server: null });
  });

  it('gives not_found for a guild WarcraftLogs does not know', async () => {
    expect(await client.getGuildRanking({ ...GALLYWIX, name: 'Nobody Here' })).to.deep.equal({ kind: 'not_found' });
  });

  it('gives unavailable when WarcraftLogs is down, after one retry', async () => {
    sim.setFaults({ wclDown: true });
    expect((await client.getGuildRanking(GALLYWIX)).kind).to.equal('unavailable');
    expect(sim.counters().wcl.requests).to.equal(2);
  });

  it('gives rate_limited when the hour\'s points are spent', async () => {
    sim.setFaults({ wclPointsSpent: 3600 });
    const outcome = await client.getGuildRanking(GALLYWIX);
    expect(outcome.kind).to.equal('rate_limited');
  });

  it('stops sending once the points left fall within its reserve', async () => {
    sim.setFaults({ wclPointsSpent: 3590 });
    expect((await client.getGuildRanking(GALLYWIX)).kind).to.equal('ok');
    const refused = await client.getGuildRanking(GALLYWIX);
    expect(refused.kind).to.equal('rate_limited');
    expect(sim.counters().wcl.requests).to.equal(1);
  });

  it('fetches a new token once after a 401', async () => {
    await client.getGuildRanking(GALLYWIX);
    sim.revokeUpstreamTokens();
    expect((await client.getGuildRanking(GALLYWIX)).kind).to.equal('ok');
    expect(sim.counters().wcl.tokenRequests).to.equal(2);
  });
});

/** WarcraftLogs' recorded shapes, served verbatim or stitched together from the recorded pieces. */
describe('WarcraftLogsClient against recorded WarcraftLogs responses', () => {
  let server: RecordedServer;
  let api: (request: SeenRequest, index: number) => Reply;

  const client = (timeoutMs = 1000) =>
    new WarcraftLogsClient({
      config: { clientId: 'simulated-client', clientSecret: 'simulated-secret', oauthUrl: `${server.url}/oauth/token`, apiUrl: `${server.url}/api/v2/client` },
      logger,
      timeoutMs,
      retryDelaysMs: [5],
    });
  const apiCalls = () => server.to('/api/v2/client');

  /** The recorded guild ranking, with the recorded zone 44 and a report of kills added. */
  const recordedAnswer = (spent = 12.4) => {
    const ranking = sampleJson<{ data: Record<string, unknown> & { rateLimitData: Record<string, number> } }>('wcl-guild-zone-ranking.json');
    const zones = sampleJson<{ data: { worldData: { zones: Array<{ id: number; encounters: Array<{ id: number }> }> } } }>('wcl-world-zones.json');
    const zone = zones.data.worldData.zones.find((z) => z.id === 44)!;
    const kills = (difficulty: number, count: number) => zone.encounters.slice(0, count).map((e) => ({ encounterID: e.id, difficulty, kill: true }));
    ranking.data.rateLimitData.pointsSpentThisHour = spent;
    ranking.data.worldData = { zone };
    ranking.data.reportData = { reports: { data: [{ fights: [...kills(4, 8), ...kills(5, 2)] }, { fights: kills(5, 3) }] } };
    return JSON.stringify(ranking);
  };

  before(async () => {
    server = await new RecordedServer((request, index) =>
      request.path === '/oauth/token' ? json(200, sample('wcl-token.json')) : api(request, index),
    ).start();
  });
  after(async () => server.stop());
  beforeEach(() => {
    server.seen.length = 0;
  });

  it('sends the GraphQL query with its variables and a Bearer token', async () => {
    api = () => json(200, recordedAnswer());
    const outcome = await client().getGuildRanking({ ...GALLYWIX, zoneId: 44 });
    const [call] = apiCalls();
    expect(call?.method).to.equal('POST');
    expect(call?.headers.authorization).to.equal(`Bearer ${sampleJson<{ access_token: string }>('wcl-token.json').access_token}`);
    expect(JSON.parse(call?.body ?? '{}')).to.deep.equal({
      query: GUILD_PROGRESS_QUERY,
      variables: { name: 'Gallywix Dive Team', serverSlug: 'bleeding-hollow', serverRegion: 'US', zoneId: 44 },
    });
    expect(outcome).to.deep.equal({
      kind: 'ok',
      lastModified: null,
      data: {
        guildName: 'Gallywix Dive Team',
        realmSlug: 'bleeding-hollow',
        region: 'us',
        zone: { id: 44, name: 'Manaforge Omega' },
        progress: { bossesKilled: 3, bossesTotal: 8, difficulty: 'Mythic' },
        ranks: { world: 1843, region: 812, server: 14 },
        speed: { world: 2976, region: 1302, server: 21 },
        // The recorded answer predates the realm list and item levels: none given, reports counted.
        averageIlvl: null,
        logsCount: 2,
        realmGuilds: [],
      },
    });
  });

  it('gives bad_data for the bare recorded ranking, which lacks the zone it asked for', async () => {
    api = () => json(200, sample('wcl-guild-zone-ranking.json'));
    const outcome = await client().getGuildRanking(GALLYWIX);
    expect(outcome.kind).to.equal('bad_data');
  });

  it('gives not_found when the guild is null', async () => {
    const body = JSON.parse(recordedAnswer()) as { data: { guildData: { guild: unknown } } };
    body.data.guildData.guild = null;
    api = () => json(200, JSON.stringify(body));
    expect(await client().getGuildRanking(GALLYWIX)).to.deep.equal({ kind: 'not_found' });
  });

  it('gives bad_data for GraphQL errors without data, for non-JSON and for a wrong shape', async () => {
    api = () => json(200, '{"errors":[{"message":"Cannot query field \\"zoneRank\\" on type \\"Guild\\"."}],"data":null}');
    expect(await client().getGuildRanking(GALLYWIX)).to.deep.equal({ kind: 'bad_data', reason: 'WarcraftLogs query failed: Cannot query field "zoneRank" on type "Guild".' });
    api = () => json(200, '<html>oops</html>');
    expect((await client().getGuildRanking(GALLYWIX)).kind).to.equal('bad_data');
    api = () => json(200, sample('wcl-rate-limit.json'));
    expect((await client().getGuildRanking(GALLYWIX)).kind).to.equal('bad_data');
  });

  it('gives rate_limited on HTTP 429, honouring Retry-After, and sends nothing until then', async () => {
    api = () => json(429, '{"error":"Too Many Requests"}', { 'retry-after': '120' });
    const c = client();
    expect(await c.getGuildRanking(GALLYWIX)).to.deep.equal({ kind: 'rate_limited', retryAfterMs: 120_000 });
    const again = await c.getGuildRanking(GALLYWIX);
    expect(again.kind).to.equal('rate_limited');
    expect(apiCalls()).to.have.length(1);
  });

  it('refuses to send once pointsSpentThisHour reaches the limit minus a reserve, until the points reset', async () => {
    api = () => json(200, recordedAnswer(3590));
    const c = client();
    expect((await c.getGuildRanking({ ...GALLYWIX, zoneId: 44 })).kind).to.equal('ok');
    const refused = await c.getGuildRanking({ ...GALLYWIX, zoneId: 44 });
    expect(refused.kind).to.equal('rate_limited');
    if (refused.kind === 'rate_limited') expect(refused.retryAfterMs).to.be.within(2_416_000, 2_417_000);
    expect(apiCalls()).to.have.length(1);
  });

  it('gives unavailable on a timeout honouring timeoutMs, and after retrying a 502', async () => {
    api = () => 'hang';
    const started = performance.now();
    expect((await client(200).getGuildRanking(GALLYWIX)).kind).to.equal('unavailable');
    expect(elapsedSince(started), "gave up on a server that never answers").to.be.within(190, 3000);

    server.seen.length = 0;
    api = () => ({ status: 502, body: 'Bad Gateway' });
    expect((await client().getGuildRanking(GALLYWIX)).kind).to.equal('unavailable');
    expect(apiCalls()).to.have.length(2);
  });
});
