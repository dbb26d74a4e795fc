import { expect } from 'chai';
import { createLogger } from '../../../src/logger.js';
import { BlizzardClient } from '../../../src/upstream/blizzard/client.js';
import type { QuotaGate } from '../../../src/upstream/blizzard/quota.js';
import { blizzardConfig, elapsedSince } from './support/configs.js';
import { RecordedServer, json, sample, type Reply, type SeenRequest } from './support/recorded-server.js';

const logger = createLogger({ level: 'silent' });
const TOKEN = JSON.parse(sample('blizzard-token.json')).access_token as string;
const LAST_MODIFIED = 'Tue, 24 Nov 2026 18:02:11 GMT';
const PROFILE_PATH = '/us/profile/wow/character/sargeras/egirlbooster';

/**
 * The same contract as against the simulator, but with Battle.net's recorded bodies served verbatim:
 * the token endpoint answers the recorded token, the API whatever each test scripts.
 */
describe('BlizzardClient against recorded Battle.net responses', () => {
  let server: RecordedServer;
  let api: (request: SeenRequest, index: number) => Reply;
  let tokenReplies: Reply[];

  const client = (overrides: { timeoutMs?: number; quota?: QuotaGate } = {}) =>
    new BlizzardClient({
      config: blizzardConfig(`${server.url}/{region}`, `${server.url}/oauth/token`, { timeoutMs: overrides.timeoutMs ?? 2000 }),
      logger,
      quota: overrides.quota,
      retryDelaysMs: [5, 5],
    });
  const apiCalls = () => server.seen.filter((r) => r.path !== '/oauth/token');

  before(async () => {
    server = await new RecordedServer((request, index) => {
      if (request.path === '/oauth/token') return tokenReplies.shift() ?? json(200, sample('blizzard-token.json'));
      return api(request, index);
    }).start();
  });
  after(async () => server.stop());
  beforeEach(() => {
    server.seen.length = 0;
    tokenReplies = [];
  });

  it('maps the recorded profile and passes Last-Modified on', async () => {
    api = () => json(200, sample('character-profile.json'), { 'last-modified': LAST_MODIFIED });
    const outcome = await client().getProfile('us', 'sargeras', 'Egirlbooster');
    expect(outcome).to.deep.equal({
      kind: 'ok',
      lastModified: LAST_MODIFIED,
      data: {
        id: 202523551,
        name: 'Egirlbooster',
        realmSlug: 'sargeras',
        level: 80,
        className: 'Rogue',
        specName: 'Assassination',
        guild: { name: 'Gallywix Dive Team', realmSlug: 'bleeding-hollow' },
        equippedItemLevel: 677,
        lastLoginAt: 1768888985000,
      },
    });
  });

  it('sends the token as a Bearer header only, with namespace and locale in the query', async () => {
    api = () => json(200, sample('character-profile.json'));
    await client().getProfile('us', 'sargeras', 'Egirlbooster');
    const [call] = apiCalls();
    expect(call?.path).to.equal(PROFILE_PATH);
    expect(call?.headers.authorization).to.equal(`Bearer ${TOKEN}`);
    expect(call?.query.get('namespace')).to.equal('profile-us');
    expect(call?.query.get('locale')).to.equal('en_US');
    expect(call?.query.has('access_token')).to.equal(false);
    expect([...(call?.query.values() ?? [])].join(' ')).to.not.include(TOKEN);
  });

  it('asks for its token with HTTP Basic and a form body, by POST', async () => {
    api = () => json(200, sample('character-profile.json'));
    await client().getProfile('us', 'sargeras', 'Egirlbooster');
    const [tokenCall] = server.to('/oauth/token');
    expect(tokenCall?.method).to.equal('POST');
    expect(tokenCall?.headers.authorization).to.equal(`Basic ${Buffer.from('simulated-client:simulated-secret').toString('base64')}`);
    expect(tokenCall?.headers['content-type']).to.equal('application/x-www-form-urlencoded');
    expect(tokenCall?.body).to.equal('grant_type=client_credentials');
  });

  it('lower-cases and UTF-8-encodes a non-ASCII name, however it was typed', async () => {
    api = () => json(200, sample('character-profile.json'));
    await client().getProfile('us', 'bleeding-hollow', 'Zúljín');
    await client().getProfile('us', 'bleeding-hollow', 'ZU\u0301LJI\u0301N'); // combining accents
    expect(apiCalls().map((c) => c.path)).to.deep.equal([
      '/us/profile/wow/character/bleeding-hollow/z%C3%BAlj%C3%ADn',
      '/us/profile/wow/character/bleeding-hollow/z%C3%BAlj%C3%ADn',
    ]);
  });

  it('maps the three recorded equipment responses', async () => {
    for (const [file, count, twoHanded] of [
      ['character-equipment.json', 18, false],
      ['character-equipment-2h.json', 15, true],
      ['character-equipment-2h-midnight.json', 17, true],
    ] as const) {
      api = () => json(200, sample(file));
      const outcome = await client().getEquipment('us', 'sargeras', 'Egirlbooster');
      expect(outcome.kind, file).to.equal('ok');
      if (outcome.kind !== 'ok') continue;
      expect(outcome.data, file).to.have.length(count);
      expect(outcome.data.some((i) => i.inventoryType === 'TWOHWEAPON'), file).to.equal(twoHanded);
    }
  });

  it('maps the recorded guild roster, naming classes from their ids', async () => {
    api = () => json(200, sample('guild-roster.json'));
    const outcome = await client().getGuildRoster('us', 'bleeding-hollow', 'Gallywix Dive Team');
    expect(apiCalls()[0]?.path).to.equal('/us/data/wow/guild/bleeding-hollow/gallywix-dive-team/roster');
    expect(outcome.kind).to.equal('ok');
    if (outcome.kind !== 'ok') return;
    expect(outcome.data.guild).to.deep.equal({ id: 103892556, name: 'Gallywix Dive Team', realmSlug: 'bleeding-hollow' });
    expect(outcome.data.members).to.have.length(15);
    expect(outcome.data.members[1]).to.deep.equal({ name: 'Egirlbooster', realmSlug: 'sargeras', level: 80, classId: 4, className: 'Rogue', rank: 1 });
  });

  it('gives not_found for the recorded 404', async () => {
    api = () => json(404, sample('character-404.json'));
    expect(await client().getProfile('us', 'sargeras', 'Nobody')).to.deep.equal({ kind: 'not_found' });
  });

  it('sends If-Modified-Since and gives not_modified on 304', async () => {
    api = () => ({ status: 304, headers: { 'last-modified': LAST_MODIFIED } });
    expect(await client().getEquipment('us', 'sargeras', 'Egirlbooster', { ifModifiedSince: LAST_MODIFIED })).to.deep.equal({ kind: 'not_modified' });
    expect(apiCalls()[0]?.headers['if-modified-since']).to.equal(LAST_MODIFIED);
  });

  it('gives rate_limited with Retry-After, and 1000 ms without it, and shares the pause', async () => {
    const blocks: number[] = [];
    const quota: QuotaGate = { acquire: async () => Date.now(), block: async (ms) => void blocks.push(ms) };
    api = () => json(429, sample('blizzard-429.json'), { 'retry-after': '2' });
    expect(await client({ quota }).getProfile('us', 'sargeras', 'Egirlbooster')).to.deep.equal({ kind: 'rate_limited', retryAfterMs: 2000 });
    api = () => json(429, sample('blizzard-429.json'));
    expect(await client({ quota }).getProfile('us', 'sargeras', 'Egirlbooster')).to.deep.equal({ kind: 'rate_limited', retryAfterMs: 1000 });
    expect(blocks).to.deep.equal([2000, 1000]);
    expect(apiCalls()).to.have.length(2); // a 429 is not retried
  });

  it('retries a 5xx twice and then gives unavailable; a later success within the retries is ok', async () => {
    api = () => ({ status: 503, headers: { 'content-type': 'text/html' }, body: '<html>Service Unavailable</html>' });
    expect((await client().getProfile('us', 'sargeras', 'Egirlbooster')).kind).to.equal('unavailable');
    expect(apiCalls()).to.have.length(3);

    server.seen.length = 0;
    api = (_request, index) => (index < 2 ? { status: 502, body: '' } : json(200, sample('character-profile.json')));
    expect((await client().getProfile('us', 'sargeras', 'Egirlbooster')).kind).to.equal('ok');
  });

  it('retries a dropped connection and gives unavailable when it keeps dropping', async () => {
    api = () => 'reset';
    const outcome = await client().getProfile('us', 'sargeras', 'Egirlbooster');
    expect(outcome.kind).to.equal('unavailable');
    expect(apiCalls()).to.have.length(3);
  });

  it('gives unavailable when Battle.net does not answer within timeoutMs', async () => {
    api = () => 'hang';
    const c = client({ timeoutMs: 200 });
    const started = performance.now();
    const outcome = await c.getProfile('us', 'sargeras', 'Egirlbooster');
    expect(outcome.kind).to.equal('unavailable');
    expect(elapsedSince(started), "gave up on a server that never answers").to.be.within(190, 3000);
  });

  it('gives bad_data for a body that is not JSON', async () => {
    api = () => json(200, sample('character-profile.json').slice(0, 700));
    const outcome = await client().getProfile('us', 'sargeras', 'Egirlbooster');
    expect(outcome).to.deep.equal({ kind: 'bad_data', reason: 'Battle.net response is not JSON' });
  });

  it('gives bad_data, never partial data, for a recorded body of the wrong shape', async () => {
    api = () => json(200, sample('character-profile.json'));
    const equipment = await client().getEquipment('us', 'sargeras', 'Egirlbooster');
    expect(equipment.kind).to.equal('bad_data');
    expect(equipment).to.not.have.property('data');

    const items = JSON.parse(sample('character-equipment.json')) as { equipped_items: Array<Record<string, unknown>> };
    delete items.equipped_items[3]?.level;
    api = () => json(200, JSON.stringify(items));
    const oneBadItem = await client().getEquipment('us', 'sargeras', 'Egirlbooster');
    expect(oneBadItem.kind).to.equal('bad_data');
    expect(oneBadItem).to.have.property('reason').that.includes('equipped_items.3.level');
  });

  it('fetches a new token once when the API answers 401, and gives up after a second 401', async () => {
    let refusals = 1;
    api = () => (refusals-- > 0 ? json(401, '{"code":401,"type":"BLZWEBAPI00000401","detail":"Unauthorized"}') : json(200, sample('character-profile.json')));
    tokenReplies = [json(200, '{"access_token":"USfirst000000000000000000000000000","token_type":"bearer","expires_in":86399}')];
    const c = client();
    expect((await c.getProfile('us', 'sargeras', 'Egirlbooster')).kind).to.equal('ok');
    expect(server.to('/oauth/token')).to.have.length(2);
    expect(apiCalls().map((r) => r.headers.authorization)).to.deep.equal(['Bearer USfirst000000000000000000000000000', `Bearer ${TOKEN}`]);

    server.seen.length = 0;
    api = () => json(401, '{"code":401,"type":"BLZWEBAPI00000401","detail":"Unauthorized"}');
    const outcome = await c.getProfile('us', 'sargeras', 'Egirlbooster');
    expect(outcome.kind).to.equal('unavailable');
    expect(server.to('/oauth/token')).to.have.length(1);
    expect(apiCalls()).to.have.length(2);
  });

  it('keeps one token per region and shares a token request between concurrent calls', async () => {
    api = () => json(200, sample('character-profile.json'));
    const c = client();
    await Promise.all([c.getProfile('us', 'sargeras', 'A'), c.getProfile('us', 'sargeras', 'B'), c.getProfile('eu', 'argent-dawn', 'C')]);
    await c.getProfile('eu', 'argent-dawn', 'D');
    expect(server.to('/oauth/token')).to.have.length(2);
    expect(apiCalls().map((r) => r.path.split('/')[1])).to.have.members(['us', 'us', 'eu', 'eu']);
    expect(apiCalls().find((r) => r.path.startsWith('/eu'))?.query.get('namespace')).to.equal('profile-eu');
  });

  it('gives unavailable when the token endpoint refuses the credentials', async () => {
    tokenReplies = [json(401, '{"error":"invalid_client","error_description":"Bad client credentials"}')];
    api = () => json(200, sample('character-profile.json'));
    const outcome = await client().getProfile('us', 'sargeras', 'Egirlbooster');
    expect(outcome).to.deep.equal({ kind: 'unavailable', reason: 'Battle.net token: token request refused (HTTP 401)' });
    expect(apiCalls()).to.have.length(0);
  });
});
