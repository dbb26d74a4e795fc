import { query, type Db } from '../sql.js';
import { col, defineTable } from '../table.js';
import type { CharacterKey } from './characters.js';

/** Names a character was known by before a rename or realm transfer, each pointing at the character now. */
export const characterRenamesTable = defineTable('character_renames', {
  region: col.text(),
  realm_slug: col.text(),
  name_key: col.text(),
  character_id: col.bigint(),
  renamed_at: col.timestamptz().defaulted(),
});

/** Remembers that `key` was the character's name until now; a name taken again later is pointed anew. */
export async function recordRename(db: Db, key: CharacterKey, characterId: number): Promise<void> {
  await query(
    db,
    `insert into character_renames (region, realm_slug, name_key, character_id) values (?, ?, ?, ?)
     on conflict (region, realm_slug, name_key) do update set character_id = excluded.character_id, renamed_at = now()`,
    [key.region, key.realm, key.nameKey, characterId],
  );
}

/** A name now in use again by a character of its own no longer points elsewhere. */
export async function forgetRename(db: Db, key: CharacterKey): Promise<void> {
  await query(db, 'delete from character_renames where region = ? and realm_slug = ? and name_key = ?', [key.region, key.realm, key.nameKey]);
}

export interface RenamedTo {
  region: string;
  realm: string;
  name: string;
}

/** What a former name (in any of the regions) is called now, unless a character of that name exists again. */
export async function findRenamedTo(db: Db, realm: string, nameKey: string, regions: readonly string[]): Promise<RenamedTo | undefined> {
  const [row] = await query<{ region: string; realm_slug: string; name: string }>(
    db,
    `select c.region, c.realm_slug, c.name
       from character_renames r
       join characters c on c.id = r.character_id
      where r.region in (?) and r.realm_slug = ? and r.name_key = ?
        and not exists (select 1 from characters o where o.region = r.region and o.realm_slug = r.realm_slug and o.name_key = r.name_key)
      order by r.renamed_at desc
      limit 1`,
    [[...regions], realm, nameKey],
  );
  return row && { region: row.region, realm: row.realm_slug, name: row.name };
}
