import { Migration } from '@mikro-orm/migrations';

/**
 * What a guild's officers set up to be told things outside progress-api: event endpoints (with a secret each,
 * sealed with SECRET_KEY) and every delivery made to them, the guild's Discord webhook (sealed too: its URL is
 * a credential), and one row per guild and weekly reset for the reset digest, which is what makes the digest
 * go out once whatever the number of worker replicas.
 */
export class Migration20261203200000_outbound_integrations extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table event_endpoints (
        id bigserial primary key,
        guild_id integer not null,
        url text not null,
        event_types jsonb not null,
        description text,
        secret_sealed text not null,
        created_by bigint not null,
        created_at timestamptz not null,
        failing_since timestamptz,
        last_success_at timestamptz,
        disabled_at timestamptz,
        disabled_reason text
      );`);
    this.addSql('create index event_endpoints_guild_idx on event_endpoints (guild_id);');
    this.addSql(`
      create table event_deliveries (
        id bigserial primary key,
        endpoint_id bigint not null references event_endpoints (id) on delete cascade,
        event_id text not null,
        event_type text not null,
        body text not null,
        status text not null default 'pending',
        attempts integer not null default 0,
        last_status_code integer,
        last_error text,
        created_at timestamptz not null,
        last_attempt_at timestamptz,
        unique (endpoint_id, event_id)
      );`);
    this.addSql('create index event_deliveries_endpoint_idx on event_deliveries (endpoint_id, id desc);');
    this.addSql("create index event_deliveries_pending_idx on event_deliveries (id) where status = 'pending';");
    this.addSql(`
      create table guild_discord_webhooks (
        guild_id integer primary key,
        url_sealed text not null,
        url_hint text not null,
        updated_by bigint not null,
        updated_at timestamptz not null
      );`);
    this.addSql(`
      create table reset_digests (
        guild_id integer not null,
        reset_at timestamptz not null,
        week integer not null,
        status text not null default 'pending',
        attempts integer not null default 0,
        sent_at timestamptz,
        last_error text,
        primary key (guild_id, reset_at)
      );`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists reset_digests;');
    this.addSql('drop table if exists guild_discord_webhooks;');
    this.addSql('drop table if exists event_deliveries;');
    this.addSql('drop table if exists event_endpoints;');
  }
}
