import { Migration } from '@mikro-orm/migrations';

/**
 * One identity per Battle.net character: a character is found by Battle.net's id once known (a rename or realm
 * transfer keeps the id), and every name it was known by before is kept, so the old name can say where the
 * character went.
 */
export class Migration20261202500000_character_renames extends Migration {
  override async up(): Promise<void> {
    this.addSql('create index characters_blizzard_id_idx on characters (region, blizzard_id) where blizzard_id is not null;');
    this.addSql(`
      create table character_renames (
        region text not null,
        realm_slug text not null,
        name_key text not null,
        character_id bigint not null references characters (id) on delete cascade,
        renamed_at timestamptz not null default now(),
        primary key (region, realm_slug, name_key)
      );`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists character_renames;');
    this.addSql('drop index if exists characters_blizzard_id_idx;');
  }
}
