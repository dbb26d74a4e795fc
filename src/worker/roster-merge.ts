import { memberKey, type MemberIdentity } from '../db/tables/characters.js';
import type { GuildMember, GuildRef } from '../queue/schemas.js';
import { nameKey } from '../queue/schemas.js';
import type { GuildRosterMember } from '../upstream/blizzard/client.js';

export interface MergedMember extends MemberIdentity {
  rankId: number | null;
  rankName: string | null;
}

/**
 * guild-api's members, told apart and described with what Battle.net's roster knows of them. guild-api decides
 * who is a member, with which owner and rank (docs/api.md); Battle.net's roster lags by hours and never adds or
 * keeps a member. It only enriches: the class and level of a character, its spelling, and the realm of a
 * member guild-api lists without one when the roster knows that name on exactly one other realm (a connected
 * realm) and not on the guild's own.
 */
export function mergeRosters(guild: GuildRef, battleNet: readonly GuildRosterMember[] | null, guildApi: readonly GuildMember[]): MergedMember[] {
  const byKey = new Map<string, GuildRosterMember>();
  const realmsByName = new Map<string, string[]>();
  for (const m of battleNet ?? []) {
    const key = nameKey(m.name);
    byKey.set(memberKey(m.realmSlug, key), m);
    realmsByName.set(key, [...(realmsByName.get(key) ?? []), m.realmSlug]);
  }
  const realmOf = (m: GuildMember): string => {
    if (m.realm) return m.realm;
    const realms = realmsByName.get(nameKey(m.characterName)) ?? [];
    return realms.length === 1 && realms[0] ? realms[0] : guild.realm;
  };

  const merged = new Map<string, MergedMember>();
  for (const m of guildApi) {
    const realm = realmOf(m);
    const key = memberKey(realm, nameKey(m.characterName));
    const known = byKey.get(key);
    merged.set(key, {
      realm,
      nameKey: nameKey(m.characterName),
      name: known?.name ?? m.characterName,
      className: known?.className ?? null,
      level: known?.level ?? null,
      ownerBnetId: m.bnetId ?? null,
      rankId: m.rankId ?? null,
      rankName: m.rankName ?? null,
    });
  }
  return [...merged.values()];
}

/** What Battle.net's roster says of characters already stored as members: class and level, nothing more. */
export function enrichStored(
  stored: ReadonlyArray<{ realm: string; nameKey: string; name: string }>,
  battleNet: readonly GuildRosterMember[],
): MemberIdentity[] {
  const byKey = new Map(battleNet.map((m) => [memberKey(m.realmSlug, nameKey(m.name)), m]));
  return stored.flatMap((s) => {
    const known = byKey.get(memberKey(s.realm, s.nameKey));
    return known ? [{ realm: s.realm, nameKey: s.nameKey, name: s.name, className: known.className, level: known.level, ownerBnetId: null }] : [];
  });
}
