import { expect } from 'chai';
import type { z } from 'zod';
import { got } from 'got';
import { startSimulator, type Simulator } from '../../../src/sim/index.js';
import {
  blizzardTokenSchema,
  equipmentSchema,
  errorBodySchema,
  profileSchema,
  rosterSchema,
  specializationsSchema,
} from '../../../src/upstream/blizzard/schemas.js';
import { membersSchema, permissionSchema, settingsSchema } from '../../../src/upstream/guild-api/schemas.js';
import { GUILD_PROGRESS_QUERY } from '../../../src/upstream/warcraftlogs/query.js';
import { graphqlEnvelopeSchema, guildProgressDataSchema, rateLimitResponseSchema, wclTokenSchema } from '../../../src/upstream/warcraftlogs/schemas.js';
import { JWT_SECRET } from './support/configs.js';
import { sampleJson } from './support/recorded-server.js';

const expectValid = (schema: z.ZodType, value: unknown, label: string) => {
  const result = schema.safeParse(value);
  expect(result.success, `${label}: ${result.success ? '' : JSON.stringify(result.error.issues.slice(0, 3))}`).to.equal(true);
};

/** Every recorded sample a schema covers, and every kind of simulated answer, through the same schemas. */
describe('upstream schemas', () => {
  describe('on the recorded samples', () => {
    const cases: Array<[string, z.ZodType]> = [
      ['blizzard-token.json', blizzardTokenSchema],
      ['blizzard-429.json', errorBodySchema],
      ['character-404.json', errorBodySchema],
      ['character-profile.json', profileSchema],
      ['character-profile-midnight.json', profileSchema],
      ['character-equipment.json', equipmentSchema],
      ['character-equipment-2h.json', equipmentSchema],
      ['character-equipment-2h-midnight.json', equipmentSchema],
      ['guild-roster.json', rosterSchema],
      ['wcl-token.json', wclTokenSchema],
      ['wcl-rate-limit.json', rateLimitResponseSchema],
    ];
    for (const [file, schema] of cases) {
      it(`accepts ${file}`, () => expectValid(schema, sampleJson(file), file));
    }

    it('accepts the recorded guild ranking as GraphQL data', () => {
      const body = sampleJson<{ data: unknown }>('wcl-guild-zone-ranking.json');
      expectValid(graphqlEnvelopeSchema, body, 'envelope');
      expectValid(guildProgressDataSchema, body.data, 'data');
    });

    it('refuses samples given to the wrong schema', () => {
      expect(profileSchema.safeParse(sampleJson('character-equipment.json')).success).to.equal(false);
      expect(equipmentSchema.safeParse(sampleJson('character-profile.json')).success).to.equal(false);
      expect(rosterSchema.safeParse(sampleJson('character-profile.json')).success).to.equal(false);
    });
  });

  describe('on the simulated upstreams', () => {
    let sim: Simulator;
    let blizzardToken: string;
    const raw = (region: string, path: string) =>
      got(`${sim.url}/blizzard/${region}${path}`, {
        searchParams: { namespace: `profile-${region}`, locale: 'en_US' },
        headers: { authorization: `Bearer ${blizzardToken}` },
        retry: { limit: 0 },
        throwHttpErrors: false,
      });
    const api = async (region: string, path: string) => {
      const response = await raw(region, path);
      expect(response.statusCode, path).to.equal(200);
      return JSON.parse(response.body) as unknown;
    };

    before(async () => {
      sim = await startSimulator({ jwtSecretKey: JWT_SECRET, seed: 3 });
      const token = await got.post(sim.env.BLIZZARD_OAUTH_URL as string, { username: 'simulated-client', password: 'simulated-secret', form: { grant_type: 'client_credentials' } }).json<unknown>();
      expectValid(blizzardTokenSchema, token, 'token');
      blizzardToken = (token as { access_token: string }).access_token;
    });
    after(async () => sim.close());

    it('answers every character of every demo guild in the shape of the real API', async () => {
      for (const guild of sim.world.guilds) {
        expectValid(rosterSchema, await api(guild.region, `/data/wow/guild/${guild.realm.slug}/${encodeURIComponent(guild.name.toLowerCase().replace(/ /g, '-'))}/roster`), guild.name);
        for (const c of guild.roster) {
          const base = `/profile/wow/character/${c.realm.slug}/${encodeURIComponent(c.name.toLowerCase())}`;
          expectValid(profileSchema, await api(c.region, base), c.name);
          expectValid(equipmentSchema, await api(c.region, `${base}/equipment`), `${c.name} equipment`);
          expectValid(specializationsSchema, await api(c.region, `${base}/specializations`), `${c.name} specializations`);
        }
      }
    });

    it('answers 404 and 429 with the recorded error bodies', async () => {
      const { realmSlug, name } = sim.world.unknownCharacter;
      const path = `/profile/wow/character/${realmSlug}/${name}`;
      const missing = await raw('us', path);
      expect(missing.statusCode).to.equal(404);
      expectValid(errorBodySchema, JSON.parse(missing.body), '404');
      sim.setFaults({ forceRateLimitMs: 500 });
      const limited = await raw('us', path);
      sim.resetFaults();
      expect(limited.statusCode).to.equal(429);
      expectValid(errorBodySchema, JSON.parse(limited.body), '429');
    });

    it('answers the WarcraftLogs query in the shape the client reads', async () => {
      const token = await got.post(sim.env.WARCRAFTLOGS_OAUTH_URL as string, { username: 'simulated-client', password: 'simulated-secret', form: { grant_type: 'client_credentials' } }).json<{ access_token: string }>();
      expectValid(wclTokenSchema, token, 'wcl token');
      for (const guild of sim.world.guilds) {
        const body = await got
          .post(sim.env.WARCRAFTLOGS_API_URL as string, {
            headers: { authorization: `Bearer ${token.access_token}` },
            json: { query: GUILD_PROGRESS_QUERY, variables: { name: guild.name, serverSlug: guild.realm.slug, serverRegion: guild.region.toUpperCase(), zoneId: 46 } },
          })
          .json<{ data: unknown }>();
        expectValid(graphqlEnvelopeSchema, body, 'envelope');
        expectValid(guildProgressDataSchema, body.data, guild.name);
      }
    });

    it('answers guild-api in the shape the client reads', async () => {
      const guild = sim.world.guilds[0]!;
      const headers = { authorization: `Bearer ${sim.tokenFor(1001)}` };
      const base = `${sim.env.GUILD_API_URL}/guilds/${guild.id}`;
      expectValid(permissionSchema, await got(`${base}/permissions/check`, { headers, searchParams: { tool: 'progress', bnet_id: 1001 } }).json(), 'permission');
      expectValid(membersSchema, await got(`${base}/members`, { headers }).json(), 'members');
      expectValid(settingsSchema, await got(`${base}/settings`, { headers }).json(), 'settings');
    });
  });
});
