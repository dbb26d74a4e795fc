import { Migration } from '@mikro-orm/migrations';

/**
 * A guild's own weekly item-level plan, set by its Guild Master. Every save is a new version (the newest is in
 * force), so earlier plans are kept as the message history keeps earlier messages.
 */
export class Migration20261201500000_guild_plans extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table guild_plans (
        id bigserial primary key,
        guild_id integer not null,
        expansion_id integer not null,
        weeks jsonb not null,
        created_by bigint not null,
        created_at timestamptz not null default now()
      );`);
    this.addSql('create index guild_plans_guild_idx on guild_plans (guild_id, id desc);');
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists guild_plans;');
  }
}
