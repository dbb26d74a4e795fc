import type { DigestMember } from '../../domain/reset-digest.js';

/** A member as stored, before its targets are known. */
export type StoredDigestMember = Omit<DigestMember, 'targetIlvl' | 'previousTargetIlvl'> & { rankId: number | null };
import { query, toId, type Db } from '../sql.js';

/**
 * The current members of a guild as the reset digest reads them: the summary copied into each membership, and
 * the item level of the last point recorded on or before `weekAgoDay` (one indexed lookup per member on
 * item_level_history's primary key).
 */
export async function digestMembers(db: Db, guildId: number, weekAgoDay: string): Promise<StoredDigestMember[]> {
  const rows = await query<{
    character_id: string; character_name: string; realm_slug: string; class_name: string | null; rank_id: number | null;
    item_level: number | null; level: number | null; weekly_gain: number | null; week_ago: number | null;
  }>(
    db,
    `select m.character_id, m.character_name, m.realm_slug, m.class_name, m.rank_id, m.item_level, m.level, m.weekly_gain,
       (select h.item_level from item_level_history h
        where h.character_id = m.character_id and h.day <= ?::date order by h.day desc limit 1) as week_ago
     from guild_memberships m where m.guild_id = ? and m.left_at is null
     order by lower(m.character_name), m.realm_slug`,
    [weekAgoDay, guildId],
  );
  return rows.map((r) => ({
    characterId: toId(r.character_id),
    name: r.character_name,
    realm: r.realm_slug,
    className: r.class_name,
    itemLevel: r.item_level,
    itemLevelWeekAgo: r.week_ago,
    level: r.level,
    weeklyGain: r.weekly_gain,
    rankId: r.rank_id,
  }));
}

/** A current member's rank in a guild, found by the character's natural key (null when not known). */
export async function memberRankOf(db: Db, guildId: number, key: { region: string; realm: string; nameKey: string }): Promise<number | null> {
  const rows = await query<{ rank_id: number | null }>(
    db,
    `select m.rank_id from guild_memberships m join characters c on c.id = m.character_id
     where m.guild_id = ? and m.left_at is null and c.region = ? and c.realm_slug = ? and c.name_key = ? limit 1`,
    [guildId, key.region, key.realm, key.nameKey],
  );
  return rows[0]?.rank_id ?? null;
}
