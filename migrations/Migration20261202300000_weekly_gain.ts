import { Migration } from '@mikro-orm/migrations';

/**
 * The weekly gain the worker measures from a character's history at each refresh, with how steady it was, and
 * its copy in every membership so the overview can sort, project and filter on it in its one read. Rows stay
 * null until the character's next refresh.
 */
export class Migration20261202300000_weekly_gain extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table character_progress add column weekly_gain double precision null, add column gain_confidence text null;');
    this.addSql('alter table guild_memberships add column weekly_gain double precision null;');
  }

  override async down(): Promise<void> {
    this.addSql('alter table guild_memberships drop column if exists weekly_gain;');
    this.addSql('alter table character_progress drop column if exists weekly_gain, drop column if exists gain_confidence;');
  }
}
