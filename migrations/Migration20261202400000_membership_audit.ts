import { Migration } from '@mikro-orm/migrations';

/**
 * The gear audit's three numbers beside the other overview copies (how many enchants are missing, how many
 * sockets are empty, how many tier pieces are worn), so the officer overview can show and filter them while
 * staying one read of guild_memberships. Filled from the stored audit of characters already fetched.
 */
export class Migration20261202400000_membership_audit extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table guild_memberships add column missing_enchants integer null, add column empty_sockets integer null, add column tier_pieces integer null;');
    this.addSql(`update guild_memberships gm
      set missing_enchants = jsonb_array_length(p.audit -> 'missing_enchants'),
          empty_sockets = (p.audit ->> 'empty_sockets')::int,
          tier_pieces = (p.audit ->> 'tier_pieces')::int
      from character_progress p
      where p.character_id = gm.character_id and jsonb_typeof(p.audit -> 'missing_enchants') = 'array';`);
  }

  override async down(): Promise<void> {
    this.addSql('alter table guild_memberships drop column if exists missing_enchants, drop column if exists empty_sockets, drop column if exists tier_pieces;');
  }
}
