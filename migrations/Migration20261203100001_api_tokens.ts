import { Migration } from '@mikro-orm/migrations';

/**
 * Read-only API tokens of a guild: only the SHA-256 of each token is stored (the token itself is shown once),
 * with its read scopes, when it was last used, and when it was revoked.
 */
export class Migration20261203100001_api_tokens extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table api_tokens (
        id bigserial primary key,
        guild_id integer not null,
        name text not null,
        scopes jsonb not null,
        token_hash text not null,
        created_by bigint not null,
        created_at timestamptz not null default now(),
        last_used_at timestamptz,
        revoked_at timestamptz
      );`);
    this.addSql('create unique index api_tokens_hash_idx on api_tokens (token_hash);');
    this.addSql('create index api_tokens_guild_idx on api_tokens (guild_id, id);');
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists api_tokens;');
  }
}
