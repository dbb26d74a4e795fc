import { Migration } from '@mikro-orm/migrations';

/**
 * Team target plans: targets a team of a guild (a set of ranks, a list of characters, or both) is judged
 * against instead of the guild's plan, as an offset from it or as weekly targets of their own. Every save is a
 * new version of the plan (same plan_id, the newest row in force), and a retired plan keeps its versions, so
 * the history of what each team was asked is kept.
 */
export class Migration20261203100000_team_plans extends Migration {
  override async up(): Promise<void> {
    this.addSql('create sequence team_plan_ids;');
    this.addSql(`
      create table team_plans (
        id bigserial primary key,
        plan_id bigint not null,
        guild_id integer not null,
        name text not null,
        ranks jsonb not null,
        members jsonb not null,
        target_offset double precision,
        weeks jsonb,
        retired boolean not null default false,
        created_by bigint not null,
        created_at timestamptz not null default now()
      );`);
    this.addSql('create index team_plans_guild_idx on team_plans (guild_id, plan_id, id desc);');
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists team_plans;');
    this.addSql('drop sequence if exists team_plan_ids;');
  }
}
