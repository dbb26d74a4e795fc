import { Migration } from '@mikro-orm/migrations';

/**
 * The character's level beside its other overview copies, so the officer overview can show it, filter on it
 * and set characters below the level cap apart in its summary while staying one read of guild_memberships.
 */
export class Migration20261202200000_membership_level extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table guild_memberships add column level integer null;');
    this.addSql('update guild_memberships gm set level = c.level from characters c where c.id = gm.character_id and c.level is not null;');
  }

  override async down(): Promise<void> {
    this.addSql('alter table guild_memberships drop column if exists level;');
  }
}
