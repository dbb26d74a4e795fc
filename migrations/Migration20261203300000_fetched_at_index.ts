import { Migration } from '@mikro-orm/migrations';

/**
 * The freshness scheduler asks every few seconds which characters were fetched since its last look; an index
 * on the fetch time keeps that a small range read however many characters are stored.
 */
export class Migration20261203300000_fetched_at_index extends Migration {
  override async up(): Promise<void> {
    this.addSql('create index character_progress_fetched_at_idx on character_progress (fetched_at);');
  }

  override async down(): Promise<void> {
    this.addSql('drop index if exists character_progress_fetched_at_idx;');
  }
}
