import { Migration } from '@mikro-orm/migrations';

/**
 * guild-api is the authority on membership. Its latest member list of each guild is kept as it was read
 * (guild_api_rosters), so a guild sync refers to it instead of carrying thousands of members in job data.
 * Membership events are applied in the order they happened: each membership remembers the newest event
 * applied to it, and each guild the time of the guild-api list its membership was last rebuilt from.
 */
export class Migration20261201300000_membership_authority extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table guild_api_rosters (
        guild_id integer primary key,
        members jsonb not null,
        read_at timestamptz not null,
        stored_at timestamptz not null default now()
      );`);
    this.addSql('alter table guilds add column membership_as_of timestamptz null;');
    this.addSql('alter table guild_memberships add column last_event_at timestamptz null;');
  }

  override async down(): Promise<void> {
    this.addSql('alter table guild_memberships drop column if exists last_event_at;');
    this.addSql('alter table guilds drop column if exists membership_as_of;');
    this.addSql('drop table if exists guild_api_rosters;');
  }
}
