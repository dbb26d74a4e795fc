import { Migration } from '@mikro-orm/migrations';

/**
 * The read models. Item levels, targets and gaps are double precision and rounded to one decimal
 * by the domain before they are written, so they round-trip through JSON unchanged.
 */
export class Migration20261129000000_initial_schema extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table guilds (
        id integer primary key,
        name text not null,
        realm_slug text not null,
        region text not null,
        tracked_at timestamptz not null default now(),
        last_synced_at timestamptz null,
        sync_status text not null default 'pending',
        last_error text null,
        updated_at timestamptz not null default now()
      );`);
    this.addSql(`
      create table characters (
        id bigserial primary key,
        region text not null,
        realm_slug text not null,
        name_key text not null,
        name text not null,
        blizzard_id bigint null,
        class_name text null,
        spec_name text null,
        role text null,
        level integer null,
        owner_bnet_id bigint null,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        constraint characters_natural_key unique (region, realm_slug, name_key)
      );`);
    this.addSql('create index characters_owner_idx on characters (owner_bnet_id);');
    this.addSql(`
      create table character_progress (
        character_id bigint primary key references characters (id) on delete cascade,
        fetch_status text not null default 'pending',
        item_level double precision null,
        equipped_items jsonb not null default '[]',
        gear_priorities jsonb not null default '[]',
        audit jsonb null,
        target_ilvl double precision null,
        current_week integer null,
        gap double precision null,
        status text not null default 'unknown',
        fetched_at timestamptz null,
        last_modified text null,
        profile_last_modified text null,
        last_error text null,
        last_error_at timestamptz null,
        not_found_at timestamptz null,
        updated_at timestamptz not null default now()
      );`);
    this.addSql(`
      create table guild_memberships (
        id bigserial primary key,
        guild_id integer not null references guilds (id) on delete cascade,
        character_id bigint not null references characters (id) on delete cascade,
        owner_bnet_id bigint null,
        rank_id integer null,
        rank_name text null,
        joined_at timestamptz not null default now(),
        left_at timestamptz null,
        character_name text not null,
        realm_slug text not null,
        class_name text null,
        spec_name text null,
        role text null,
        item_level double precision null,
        target_ilvl double precision null,
        gap double precision null,
        status text not null default 'unknown',
        last_updated timestamptz null,
        updated_at timestamptz not null default now(),
        constraint guild_memberships_natural_key unique (guild_id, character_id)
      );`);
    // The overview reads only current members of one guild, sorted or filtered by one of these.
    this.addSql('create index guild_memberships_ilvl_idx on guild_memberships (guild_id, item_level desc nulls last) where left_at is null;');
    this.addSql('create index guild_memberships_class_idx on guild_memberships (guild_id, class_name) where left_at is null;');
    this.addSql('create index guild_memberships_status_idx on guild_memberships (guild_id, status) where left_at is null;');
    this.addSql('create index guild_memberships_owner_idx on guild_memberships (guild_id, owner_bnet_id) where left_at is null;');
    this.addSql('create index guild_memberships_character_idx on guild_memberships (character_id);');
    this.addSql(`
      create table item_level_history (
        character_id bigint not null references characters (id) on delete cascade,
        day date not null,
        item_level double precision not null,
        recorded_at timestamptz not null default now(),
        primary key (character_id, day)
      );`);
    this.addSql(`
      create table weekly_targets (
        id serial primary key,
        expansion text not null,
        season text not null,
        week integer not null,
        start_date date not null,
        target_ilvl double precision not null,
        description text not null default '',
        is_global boolean not null default false,
        constraint weekly_targets_natural_key unique (expansion, season, week)
      );`);
    this.addSql(`
      create table guild_messages (
        id bigserial primary key,
        guild_id integer not null,
        message text not null,
        created_by bigint not null,
        created_at timestamptz not null default now()
      );`);
    this.addSql('create index guild_messages_guild_idx on guild_messages (guild_id, id desc);');
    this.addSql(`
      create table guild_comparisons (
        id bigserial primary key,
        region text not null,
        realm_slug text not null,
        guild_name_key text not null,
        guild_name text not null,
        zone_id integer null,
        zone_name text null,
        bosses_killed integer null,
        bosses_total integer null,
        difficulty text null,
        world_rank integer null,
        region_rank integer null,
        server_rank integer null,
        speed jsonb null,
        fetch_status text not null default 'pending',
        fetched_at timestamptz null,
        last_error text null,
        last_error_at timestamptz null,
        updated_at timestamptz not null default now(),
        constraint guild_comparisons_natural_key unique (region, realm_slug, guild_name_key)
      );`);
    this.addSql(`
      create table processed_webhook_events (
        id text primary key,
        type text not null,
        guild_id integer null,
        received_at timestamptz not null default now()
      );`);
  }

  override async down(): Promise<void> {
    for (const table of [
      'processed_webhook_events', 'guild_comparisons', 'guild_messages', 'weekly_targets',
      'item_level_history', 'guild_memberships', 'character_progress', 'characters', 'guilds',
    ]) {
      this.addSql(`drop table if exists ${table} cascade;`);
    }
  }
}
