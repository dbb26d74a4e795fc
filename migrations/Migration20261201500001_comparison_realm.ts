import { Migration } from '@mikro-orm/migrations';

/**
 * What the realm comparison needs beside a guild's own ranking: its item level and logs count on WarcraftLogs,
 * and the realm's ranked guilds as WarcraftLogs listed them at the same refresh.
 */
export class Migration20261201500001_comparison_realm extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      alter table guild_comparisons
        add column average_ilvl double precision null,
        add column logs_count integer null,
        add column realm_guilds jsonb not null default '[]';`);
  }

  override async down(): Promise<void> {
    this.addSql('alter table guild_comparisons drop column if exists average_ilvl, drop column if exists logs_count, drop column if exists realm_guilds;');
  }
}
