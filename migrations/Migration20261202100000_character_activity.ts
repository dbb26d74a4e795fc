import { Migration } from '@mikro-orm/migrations';

/**
 * A character's weekly activity beside its gear: the Mythic+ profile and raid encounters as last fetched (with
 * their validators), the log-in that fetch followed, and the weekly values the overview sorts and filters on,
 * stamped with the reset period they belong to (an earlier period reads as zero).
 */
export class Migration20261202100000_character_activity extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table character_activity (
        character_id bigint primary key references characters(id) on delete cascade,
        last_login_at timestamptz null,
        fetched_login_at timestamptz null,
        fetched_at timestamptz null,
        mythic_plus jsonb null,
        raids jsonb null,
        mythic_plus_last_modified text null,
        raids_last_modified text null,
        mplus_score double precision null,
        week_start timestamptz null,
        vault_slots integer null,
        raid_bosses integer null,
        last_error text null,
        last_error_at timestamptz null,
        updated_at timestamptz not null default now()
      );`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists character_activity;');
  }
}
