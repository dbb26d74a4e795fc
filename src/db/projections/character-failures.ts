import type { EntityManager } from '@mikro-orm/postgresql';
import type { CharacterKey } from './character-progress.js';
import { query, toId } from './sql.js';

/**
 * The character row a failure is recorded on. An unknown character still gets one, so that a reader waiting
 * on its first fetch can tell "Battle.net does not know it" and "Battle.net is down" from "not fetched yet".
 */
async function characterIdFor(em: EntityManager, key: CharacterKey, displayName: string): Promise<number> {
  const [row] = await query<{ id: string }>(
    em,
    `with inserted as (
       insert into characters (region, realm_slug, name_key, name) values (?, ?, ?, ?)
       on conflict (region, realm_slug, name_key) do nothing
       returning id
     )
     select id from inserted
     union all
     select id from characters where region = ? and realm_slug = ? and name_key = ?`,
    [key.region, key.realm, key.nameKey, displayName, key.region, key.realm, key.nameKey],
  );
  if (row) return toId(row.id);
  // Inserted by a concurrent transaction after this statement's snapshot: visible to the next statement.
  const [again] = await query<{ id: string }>(
    em,
    'select id from characters where region = ? and realm_slug = ? and name_key = ?',
    [key.region, key.realm, key.nameKey],
  );
  if (!again) throw new Error(`character ${key.region}/${key.realm}/${key.nameKey} could not be created`);
  return toId(again.id);
}

async function currentGuildIds(em: EntityManager, characterId: number): Promise<number[]> {
  const rows = await query<{ guild_id: number }>(
    em,
    'select guild_id from guild_memberships where character_id = ? and left_at is null',
    [characterId],
  );
  return rows.map((r) => r.guild_id);
}

/**
 * Battle.net does not know the character. Its validators are dropped, so a character that comes back is
 * fetched in full; the last data stays for history but fetch_status tells readers to answer 404.
 */
export async function markCharacterNotFound(em: EntityManager, key: CharacterKey, displayName: string, at: Date): Promise<number[]> {
  return em.transactional(async (tx) => {
    const characterId = await characterIdFor(tx, key, displayName);
    await query(
      tx,
      `insert into character_progress as cp (character_id, fetch_status, not_found_at, fetched_at)
       values (?, 'not_found', ?, ?)
       on conflict (character_id) do update set
         fetch_status = 'not_found', fetched_at = excluded.fetched_at, last_modified = null, profile_last_modified = null,
         last_error = null, last_error_at = null,
         not_found_at = case when cp.fetch_status = 'not_found' then cp.not_found_at else excluded.not_found_at end,
         updated_at = case when cp.fetch_status = 'not_found' then cp.updated_at else now() end`,
      [characterId, at, at],
    );
    return currentGuildIds(tx, characterId);
  });
}

/**
 * A fetch failed. The last good data stays and is served as stale; only a character with nothing good
 * stored is marked 'error', so readers can answer 503 instead of waiting for data that is not coming.
 */
export async function recordCharacterError(em: EntityManager, key: CharacterKey, displayName: string, reason: string, at: Date): Promise<void> {
  await em.transactional(async (tx) => {
    const characterId = await characterIdFor(tx, key, displayName);
    await query(
      tx,
      `insert into character_progress as cp (character_id, fetch_status, last_error, last_error_at)
       values (?, 'error', ?, ?)
       on conflict (character_id) do update set
         last_error = excluded.last_error, last_error_at = excluded.last_error_at,
         fetch_status = case when cp.fetch_status in ('ok', 'not_found') then cp.fetch_status else 'error' end`,
      [characterId, reason.slice(0, 1000), at],
    );
  });
}
