import { expect } from 'chai';
import { suiteStack } from '../../helpers/stack.js';
import { bearer, call, expectError } from './helpers.js';

interface BadInput {
  name: string;
  method?: 'GET' | 'PUT';
  path: string;
  body?: string;
  contentType?: string;
  status: number;
  code: string;
  /** The field `details` must name. */
  field?: string;
  /** What `details` must say about that field, in words a client can act on (and the error repeats). */
  says?: string;
}

const json = 'application/json';
const longName = 'A'.repeat(10 * 1024);

/** Every route with the inputs a client can get wrong, and the 4xx each must give. The caller is the Guild Master. */
const CASES: BadInput[] = [
  ...['characters', 'members', 'message', 'message/history', 'roadmap', 'comparisons'].flatMap((route) => [
    { name: `${route}: non-numeric guild id`, path: `/guilds/abc/progress/${route}`, status: 400, code: 'invalid_parameter', field: 'guild_id' },
    { name: `${route}: zero guild id`, path: `/guilds/0/progress/${route}`, status: 400, code: 'invalid_parameter', field: 'guild_id' },
    { name: `${route}: negative guild id`, path: `/guilds/-1/progress/${route}`, status: 400, code: 'invalid_parameter', field: 'guild_id' },
    { name: `${route}: guild id too large`, path: `/guilds/99999999999/progress/${route}`, status: 400, code: 'invalid_parameter', field: 'guild_id' },
  ]),
  { name: 'character: empty realm', path: '/guilds/1/progress/character/Gallyboss?realm=', status: 400, code: 'invalid_parameter', field: 'realm', says: 'must not be empty' },
  { name: 'character: realm neither slug nor name', path: '/guilds/1/progress/character/Gallyboss?realm=%3Cscript%3E', status: 400, code: 'invalid_parameter', field: 'realm' },
  { name: 'character: realm twice', path: '/guilds/1/progress/character/Gallyboss?realm=a&realm=b', status: 400, code: 'invalid_parameter', field: 'realm', says: 'must be a string' },
  { name: 'character: 10 KB name', path: `/guilds/1/progress/character/${longName}?realm=bleeding-hollow`, status: 400, code: 'invalid_parameter', field: 'character_name' },
  { name: 'character: name with digits', path: '/guilds/1/progress/character/Gally1?realm=bleeding-hollow', status: 400, code: 'invalid_parameter', field: 'character_name' },
  { name: 'character: name with a quote', path: "/guilds/1/progress/character/Gal'ly?realm=bleeding-hollow", status: 400, code: 'invalid_parameter', field: 'character_name' },
  { name: 'members: unknown sort', path: '/guilds/1/progress/members?sort=dps', status: 400, code: 'invalid_parameter', field: 'sort' },
  { name: 'members: unknown order', path: '/guilds/1/progress/members?order=up', status: 400, code: 'invalid_parameter', field: 'order', says: 'must be one of asc, desc' },
  { name: 'members: unknown role', path: '/guilds/1/progress/members?role=support', status: 400, code: 'invalid_parameter', field: 'role' },
  { name: 'members: unknown status', path: '/guilds/1/progress/members?status=late', status: 400, code: 'invalid_parameter', field: 'status' },
  { name: 'members: unknown class', path: '/guilds/1/progress/members?class=bard', status: 400, code: 'invalid_parameter', field: 'class' },
  { name: 'members: limit over 1000', path: '/guilds/1/progress/members?limit=1001', status: 400, code: 'invalid_parameter', field: 'limit', says: 'must be at most 1000' },
  { name: 'members: limit zero', path: '/guilds/1/progress/members?limit=0', status: 400, code: 'invalid_parameter', field: 'limit' },
  { name: 'members: limit not a number', path: '/guilds/1/progress/members?limit=ten', status: 400, code: 'invalid_parameter', field: 'limit' },
  { name: 'members: negative offset', path: '/guilds/1/progress/members?offset=-5', status: 400, code: 'invalid_parameter', field: 'offset' },
  { name: 'members: unknown format', path: '/guilds/1/progress/members?format=xml', status: 400, code: 'invalid_parameter', field: 'format' },
  { name: 'history: limit over 200', path: '/guilds/1/progress/message/history?limit=500', status: 400, code: 'invalid_parameter', field: 'limit' },
  { name: 'comparisons: unknown region', path: '/guilds/1/progress/comparisons?region=mars', status: 400, code: 'invalid_parameter', field: 'region' },
  { name: 'comparisons: realm neither slug nor name', path: '/guilds/1/progress/comparisons?realm=%3Cscript%3E', status: 400, code: 'invalid_parameter', field: 'realm' },
  { name: 'message: malformed JSON', method: 'PUT', path: '/guilds/1/progress/message', body: '{"message":', contentType: json, status: 400, code: 'malformed_json' },
  { name: 'message: missing field', method: 'PUT', path: '/guilds/1/progress/message', body: '{}', contentType: json, status: 400, code: 'invalid_parameter', field: 'message', says: 'is required' },
  { name: 'message: JSON array', method: 'PUT', path: '/guilds/1/progress/message', body: '["hello"]', contentType: json, status: 400, code: 'invalid_parameter' },
  { name: 'message: number', method: 'PUT', path: '/guilds/1/progress/message', body: '{"message":7}', contentType: json, status: 400, code: 'invalid_parameter', field: 'message', says: 'must be a string' },
  { name: 'message: 2,001 characters', method: 'PUT', path: '/guilds/1/progress/message', body: JSON.stringify({ message: 'm'.repeat(2001) }), contentType: json, status: 422, code: 'validation_failed', field: 'message' },
  { name: 'message: wrong content type', method: 'PUT', path: '/guilds/1/progress/message', body: 'message=hi', contentType: 'application/x-www-form-urlencoded', status: 415, code: 'unsupported_media_type' },
  { name: 'message: text/plain JSON', method: 'PUT', path: '/guilds/1/progress/message', body: '{"message":"hi"}', contentType: 'text/plain', status: 415, code: 'unsupported_media_type' },
  { name: 'message: body over 16 KiB', method: 'PUT', path: '/guilds/1/progress/message', body: JSON.stringify({ message: 'm'.repeat(20_000) }), contentType: json, status: 413, code: 'payload_too_large' },
];

describe('bad input on every route gives the right 4xx JSON error', function () {
  const suite = suiteStack({ api: true, worker: false });

  for (const c of CASES) {
    it(`${c.name} → ${c.status} ${c.code}`, async () => {
      const headers: Record<string, string> = bearer(suite.stack.sim.tokenFor(suite.stack.sim.world.demoUsers.guildMaster));
      if (c.contentType) headers['content-type'] = c.contentType;
      const reply = await call(`${suite.url}${c.path}`, { method: c.method ?? 'GET', headers, body: c.body });
      expectError(reply, c.status, c.code);
      if (c.field) {
        expect(reply.body.details, 'details').to.be.an('array');
        expect(reply.body.details.map((d: { field: string }) => d.field)).to.include(c.field);
      }
      if (c.says) {
        expect(reply.body.details).to.deep.include({ field: c.field, in: c.method === 'PUT' ? 'body' : 'query', message: c.says });
        expect(reply.body.error).to.include(`${c.field} ${c.says}`);
        expect(reply.body.error).to.not.include('Invalid input');
      }
    });
  }
});
