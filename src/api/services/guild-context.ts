import { invalidInput } from '../../errors.js';
import { findGuild } from '../../db/tables/guilds.js';
import type { RegionCode } from '../../domain/types.js';
import { regionSchema } from '../../queue/schemas.js';
import type { ApiDeps } from '../deps.js';
import type { GuildAccessState } from '../middleware/permission.js';

/** The guild's stored row and the configured default region. */
export type GuildContextDeps = Pick<ApiDeps, 'orm' | 'config'>;

export interface GuildIdentity {
  name: string;
  realm: string;
  region: RegionCode;
}

/**
 * The guild's name, realm and region: guild-api's snapshot when held, else what the worker last synced, else
 * nothing (a guild never read from guild-api). A database failure here is not fatal; callers have defaults.
 */
export async function guildIdentity(deps: GuildContextDeps, access: GuildAccessState): Promise<GuildIdentity | undefined> {
  if (access.guild) return { name: access.guild.name, realm: access.guild.realm, region: access.guild.region };
  const stored = await findGuild(deps.orm, access.guildId).catch(() => undefined);
  if (!stored) return undefined;
  const region = regionSchema.safeParse(stored.region);
  return { name: stored.name, realm: stored.realm, region: region.success ? region.data : deps.config.blizzard.region };
}

/**
 * The realm a character of the guild is on when the caller does not say: the guild's own. Unknown guild
 * (never read from guild-api nor synced) → 400 naming the parameter.
 */
export async function guildRealm(deps: GuildContextDeps, access: GuildAccessState): Promise<string> {
  const realm = (await guildIdentity(deps, access))?.realm;
  if (realm) return realm;
  throw invalidInput('Invalid parameter: realm', [{ field: 'realm', in: 'query', message: "is required: the guild's realm is not known yet" }]);
}

/** The region whose reset day decides the guild's current week; BLIZZARD_REGION when the guild names none. */
export async function guildRegion(deps: GuildContextDeps, access: GuildAccessState): Promise<RegionCode> {
  return (await guildIdentity(deps, access))?.region ?? deps.config.blizzard.region;
}
