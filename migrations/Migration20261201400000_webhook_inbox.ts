import { Migration } from '@mikro-orm/migrations';

/**
 * The webhook inbox: an accepted event is stored with its payload and a processing state in the same row that
 * records its id, so an event is never only in Redis. `seq` numbers events in arrival order; the queue carries
 * only that number. Rows recorded before the inbox existed were handed to the queue with their payload, so
 * they count as done.
 */
export class Migration20261201400000_webhook_inbox extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      alter table processed_webhook_events
        add column seq bigint generated always as identity,
        add column occurred_at timestamptz null,
        add column payload jsonb null,
        add column state text not null default 'done' check (state in ('pending', 'done', 'failed')),
        add column attempts integer not null default 0,
        add column last_error text null,
        add column processed_at timestamptz null;`);
    this.addSql('alter table processed_webhook_events alter column state set default \'pending\';');
    this.addSql('create unique index processed_webhook_events_seq on processed_webhook_events (seq);');
    this.addSql(`create index processed_webhook_events_pending on processed_webhook_events (seq) where state = 'pending';`);
  }

  override async down(): Promise<void> {
    this.addSql('drop index if exists processed_webhook_events_pending;');
    this.addSql('drop index if exists processed_webhook_events_seq;');
    this.addSql(`
      alter table processed_webhook_events
        drop column if exists seq,
        drop column if exists occurred_at,
        drop column if exists payload,
        drop column if exists state,
        drop column if exists attempts,
        drop column if exists last_error,
        drop column if exists processed_at;`);
  }
}
