import type { MemberIdentity } from '../db/projections/members.js';
import { memberKey } from '../db/projections/members.js';
import type { GuildMember, GuildRef } from '../queue/schemas.js';
import { nameKey } from '../queue/schemas.js';
import type { GuildRosterMember } from '../upstream/blizzard/client.js';

export interface MergedMember extends MemberIdentity {
  rankId: number | null;
  rankName: string | null;
}

/**
 * Battle.net rosters list every alt down to level 10. Progress tracking is about characters at the level cap,
 * which is the highest level on the roster (no hard-coded cap to update each expansion); a lower-level alt
 * is still a member when guild-api lists it.
 */
export function maxLevelMembers(roster: readonly GuildRosterMember[]): GuildRosterMember[] {
  const cap = Math.max(0, ...roster.map((m) => m.level));
  return roster.filter((m) => m.level >= cap);
}

/**
 * One list of members from both sources. When guild-api's list is given it decides who is a member: guild-api
 * owns memberships (SPEC §7), and Battle.net's roster lags behind joins and leaves, so a character guild-api
 * no longer lists must not come back through a stale roster. Battle.net then only says who each character is
 * (spelling, class, level). Without guild-api's list, the Battle.net roster is the list, with rank numbers only.
 */
export function mergeRosters(guild: GuildRef, battleNet: readonly GuildRosterMember[] | null, guildApi: readonly GuildMember[] | undefined): MergedMember[] {
  const fromBattleNet = new Map<string, MergedMember>();
  for (const m of battleNet ?? []) {
    fromBattleNet.set(memberKey(m.realmSlug, nameKey(m.name)), {
      realm: m.realmSlug,
      nameKey: nameKey(m.name),
      name: m.name,
      className: m.className,
      level: m.level,
      ownerBnetId: null,
      rankId: m.rank,
      rankName: null,
    });
  }
  if (!guildApi) return [...fromBattleNet.values()];

  const merged = new Map<string, MergedMember>();
  for (const m of guildApi) {
    const realm = m.realm ?? guild.realm;
    const key = memberKey(realm, nameKey(m.characterName));
    const known = fromBattleNet.get(key);
    merged.set(key, {
      realm,
      nameKey: nameKey(m.characterName),
      name: known?.name ?? m.characterName,
      className: known?.className ?? null,
      level: known?.level ?? null,
      ownerBnetId: m.bnetId ?? null,
      rankId: m.rankId ?? known?.rankId ?? null,
      rankName: m.rankName ?? null,
    });
  }
  return [...merged.values()];
}
