import { nameKey } from '../../queue/schemas.js';
import { memberLookupField, type Keys } from '../../redis.js';
import type { CacheKind } from '../../cache/response-cache.js';
import type { AccessLevel } from '../middleware/permission.js';
import { characterParams, characterQuery } from '../schemas/characters.js';
import { membersQuery } from '../schemas/members.js';
import { overviewField } from '../services/overview.js';

/** One of the two reads answered from the cache: which route it stands for and where its body is. */
export interface Plan {
  route: string;
  kind: CacheKind;
  level: AccessLevel;
  guildId: number;
  /** The hash holding the body and its field ('' = by the guild's realm: `fieldParts[0] .. realm .. fieldParts[1]`). */
  hash: string;
  field: string;
  fieldParts: [string, string];
  /** The character a character view is about (its realm when the query names one), for the demand it records. */
  character?: { name: string; realm: string | undefined };
}

const CHARACTER = /^\/guilds\/(\d+)\/progress\/character\/([^/]+)$/;
const MEMBERS = /^\/guilds\/(\d+)\/progress\/members$/;
/** Splits a member's field around its realm, for the script to fill in the guild's realm. */
const REALM_SLOT = '\u0000';

/**
 * What a request line stands for, when it is one of the two cached reads with valid input; undefined for
 * anything else (bad input included: the ordinary routes answer it with their 400). The path and query are
 * validated by the very schemas the routes use.
 */
export function planOf(keys: Keys, path: string, querystring: string): Plan | undefined {
  let match = CHARACTER.exec(path);
  if (match) {
    const params = characterParams.safeParse({ guild_id: match[1], character_name: safeDecode(match[2] as string) });
    const query = characterQuery.safeParse(queryOf(querystring));
    if (!params.success || !query.success) return undefined;
    const key = nameKey(params.data.character_name);
    const [before, after] = memberLookupField(REALM_SLOT, key).split(REALM_SLOT) as [string, string];
    return {
      route: '/guilds/:guild_id/progress/character/:character_name',
      kind: 'character',
      level: 'member',
      guildId: params.data.guild_id,
      hash: keys.guildMemberLookups(params.data.guild_id),
      field: query.data.realm === undefined ? '' : memberLookupField(query.data.realm, key),
      fieldParts: [before, after],
      character: { name: params.data.character_name, realm: query.data.realm },
    };
  }
  match = MEMBERS.exec(path);
  if (match) {
    const params = characterParams.shape.guild_id.safeParse(match[1]);
    const query = membersQuery.safeParse(queryOf(querystring));
    // A CSV is made from the body, and a preview of other targets (`plan`) is never cached: both go the long way.
    if (!params.success || !query.success || query.data.format !== 'json' || query.data.plan !== undefined) return undefined;
    return {
      route: '/guilds/:guild_id/progress/members',
      kind: 'overview',
      level: 'officer',
      guildId: params.data,
      hash: keys.guildResponses(params.data),
      field: overviewField(query.data),
      fieldParts: ['', ''],
    };
  }
  return undefined;
}

/**
 * What a path and query string stand for depends on nothing else, and clients repeat the same few: the plan
 * (validation, field names) is worked out once per distinct request line. At most `MAX_PLANS` kept, all
 * dropped when full.
 */
export class PlanCache {
  private static readonly MAX_PLANS = 2000;
  private readonly plans = new Map<string, Plan | undefined>();

  constructor(private readonly keys: Keys) {}

  of(path: string, querystring: string): Plan | undefined {
    const line = `${path}?${querystring}`;
    if (this.plans.has(line)) return this.plans.get(line);
    const plan = planOf(this.keys, path, querystring);
    if (this.plans.size >= PlanCache.MAX_PLANS) this.plans.clear();
    this.plans.set(line, plan);
    return plan;
  }
}

/** The query as Koa parses it (`ctx.query`): one value per name, an array when a name repeats. */
function queryOf(querystring: string): Record<string, string | string[]> {
  const params = new URLSearchParams(querystring);
  const query: Record<string, string | string[]> = {};
  for (const name of new Set(params.keys())) {
    const values = params.getAll(name);
    query[name] = values.length <= 1 ? (values[0] as string) : values;
  }
  return query;
}

/** A path segment as the router decodes it; undefined (not served here) when it is not valid percent-encoding. */
function safeDecode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
