import { expect } from 'chai';
import { BlizzardClient } from '../../../src/upstream/blizzard/client.js';
import { GuildApiClient } from '../../../src/upstream/guild-api/client.js';
import { WarcraftLogsClient } from '../../../src/upstream/warcraftlogs/client.js';
import { LogCapture, leaksOf } from '../../helpers/log-capture.js';
import { blizzardConfig } from './support/configs.js';
import { RecordedServer, json, sample, type Reply } from './support/recorded-server.js';

const SECRETS = {
  clientSecret: 'log-test-client-secret-42',
  blizzardToken: 'USlogTestBlizzardToken000000000000',
  wclToken: 'eyJ0eXAiOiJKV1Qi.log-test-wcl-token.signature',
  userToken: 'eyJhbGciOiJIUzI1NiJ9.log-test-user-token.signature',
};

describe('upstream clients and logs', () => {
  let server: RecordedServer;
  const script: Reply[] = [];

  before(async () => {
    server = await new RecordedServer((request) => {
      if (request.path.endsWith('/token')) {
        return request.path.startsWith('/wcl')
          ? json(200, JSON.stringify({ token_type: 'Bearer', expires_in: 3600, access_token: SECRETS.wclToken }))
          : json(200, JSON.stringify({ access_token: SECRETS.blizzardToken, token_type: 'bearer', expires_in: 86399 }));
      }
      return script.shift() ?? json(200, sample('character-profile.json'));
    }).start();
  });
  after(async () => server.stop());

  it('never logs the client secret or any token, whatever the outcome', async () => {
    const capture = new LogCapture();
    const logger = capture.logger('trace');
    const blizzard = new BlizzardClient({
      config: blizzardConfig(`${server.url}/{region}`, `${server.url}/blizzard/token`, { clientSecret: SECRETS.clientSecret, timeoutMs: 150 }),
      logger,
      retryDelaysMs: [1, 1],
    });
    const wcl = new WarcraftLogsClient({
      config: { clientId: 'simulated-client', clientSecret: SECRETS.clientSecret, oauthUrl: `${server.url}/wcl/token`, apiUrl: `${server.url}/wcl/api` },
      logger,
      timeoutMs: 150,
      retryDelaysMs: [1],
    });
    const guildApi = new GuildApiClient({ baseUrl: server.url, timeoutMs: 150, logger });

    script.push(json(401, '{}'), json(429, sample('blizzard-429.json')), json(503, ''), json(503, ''), json(503, ''), 'reset', 'reset', 'reset', 'hang', json(200, 'nope'));
    for (let i = 0; i < 6; i += 1) await blizzard.getProfile('us', 'sargeras', 'Egirlbooster', { ifModifiedSince: 'Tue, 24 Nov 2026 18:02:11 GMT' });
    script.push(json(401, '{}'), json(500, ''), json(500, ''), 'hang');
    for (let i = 0; i < 3; i += 1) await wcl.getGuildRanking({ name: 'Gallywix Dive Team', realmSlug: 'bleeding-hollow', region: 'us' });
    script.push(json(200, '{"allowed":true,"rank_id":1}'), json(401, '{}'), 'reset', 'reset', 'hang');
    await guildApi.checkPermission(1, 1001, SECRETS.userToken);
    await guildApi.checkPermission(1, 1001, SECRETS.userToken);
    await guildApi.getMembers(1, SECRETS.userToken);
    await guildApi.getSettings(1, SECRETS.userToken);

    const lines = capture.lines();
    expect(lines.length).to.be.greaterThan(15);
    expect(leaksOf(lines, SECRETS)).to.deep.equal([]);
    for (const record of capture.records()) {
      expect(record).to.include.keys('upstream', 'method', 'path', 'durationMs');
      expect(String(record.path)).to.not.include('?');
    }
  });
});
