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
 * One list of members from both sources. A character in either list is a member. Battle.net says who the
 * character is (spelling, class, level, realm); guild-api says who owns it and its rank and rank name.
 * Battle.net knows rank numbers only, so a member guild-api does not list gets the name guild-api uses for
 * that rank number, when any listed member has it.
 */
export function mergeRosters(guild: GuildRef, battleNet: readonly GuildRosterMember[] | null, guildApi: readonly GuildMember[] | undefined): MergedMember[] {
  const merged = new Map<string, MergedMember>();
  const rankNames = new Map<number, string>();
  for (const m of guildApi ?? []) {
    if (m.rankId != null && m.rankName) rankNames.set(m.rankId, m.rankName);
  }
  for (const m of battleNet ?? []) {
    const key = memberKey(m.realmSlug, nameKey(m.name));
    merged.set(key, {
      realm: m.realmSlug,
      nameKey: nameKey(m.name),
      name: m.name,
      className: m.className,
      level: m.level,
      ownerBnetId: null,
      rankId: m.rank,
      rankName: rankNames.get(m.rank) ?? null,
    });
  }
  for (const m of guildApi ?? []) {
    const realm = m.realm ?? guild.realm;
    const key = memberKey(realm, nameKey(m.characterName));
    const fromBattleNet = merged.get(key);
    merged.set(key, {
      realm,
      nameKey: nameKey(m.characterName),
      name: fromBattleNet?.name ?? m.characterName,
      className: fromBattleNet?.className ?? null,
      level: fromBattleNet?.level ?? null,
      ownerBnetId: m.bnetId ?? null,
      rankId: m.rankId ?? fromBattleNet?.rankId ?? null,
      rankName: m.rankName ?? (m.rankId != null ? rankNames.get(m.rankId) : undefined) ?? fromBattleNet?.rankName ?? null,
    });
  }
  return [...merged.values()];
}
