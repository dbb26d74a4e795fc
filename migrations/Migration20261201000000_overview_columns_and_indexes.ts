import { Migration } from '@mikro-orm/migrations';

/**
 * Gap and status are derived when the api reads (from the stored item level and the week's target), so the
 * copies the worker stored were never read: they go. The overview's indexes now match its SQL: both
 * directions of item level (its sort, the gap sort and the status filter's range), the name sort, the class
 * filter and sort through lower(), and the rank sort; all partial on current members.
 */
export class Migration20261201000000_overview_columns_and_indexes extends Migration {
  override async up(): Promise<void> {
    this.addSql('drop index if exists guild_memberships_status_idx;');
    this.addSql('drop index if exists guild_memberships_class_idx;');
    this.addSql('alter table character_progress drop column target_ilvl, drop column current_week, drop column gap, drop column status;');
    this.addSql('alter table guild_memberships drop column target_ilvl, drop column gap, drop column status;');
    this.addSql('create index guild_memberships_ilvl_asc_idx on guild_memberships (guild_id, item_level asc nulls last) where left_at is null;');
    this.addSql('create index guild_memberships_name_idx on guild_memberships (guild_id, lower(character_name), realm_slug) where left_at is null;');
    this.addSql('create index guild_memberships_class_idx on guild_memberships (guild_id, lower(class_name), lower(character_name), realm_slug) where left_at is null;');
    this.addSql('create index guild_memberships_rank_idx on guild_memberships (guild_id, rank_id) where left_at is null;');
  }

  /** The columns come back empty ('unknown' status); nothing reads them, and the next refresh would fill them. */
  override async down(): Promise<void> {
    this.addSql('drop index if exists guild_memberships_rank_idx;');
    this.addSql('drop index if exists guild_memberships_class_idx;');
    this.addSql('drop index if exists guild_memberships_name_idx;');
    this.addSql('drop index if exists guild_memberships_ilvl_asc_idx;');
    this.addSql(`alter table guild_memberships add column target_ilvl double precision null, add column gap double precision null,
      add column status text not null default 'unknown';`);
    this.addSql(`alter table character_progress add column target_ilvl double precision null, add column current_week integer null,
      add column gap double precision null, add column status text not null default 'unknown';`);
    this.addSql('create index guild_memberships_class_idx on guild_memberships (guild_id, class_name) where left_at is null;');
    this.addSql('create index guild_memberships_status_idx on guild_memberships (guild_id, status) where left_at is null;');
  }
}
