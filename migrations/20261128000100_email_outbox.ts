import type { Knex } from 'knex';

/**
 * The email outbox: a message is a row written in the same transaction as the
 * change that causes it, so it is never lost and never sent for a change that
 * rolled back. `dedupe_key` makes enqueueing idempotent (a webhook retried ten
 * times still queues one receipt).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('email_outbox', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.text('recipient').notNullable();
    t.text('template').notNullable();
    t.jsonb('data').notNullable().defaultTo('{}');
    t.text('dedupe_key').notNullable().unique();
    t.text('status').notNullable().defaultTo('pending');
    t.integer('attempts').notNullable().defaultTo(0);
    t.integer('max_attempts').notNullable().defaultTo(10);
    t.timestamp('next_attempt_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('locked_until', { useTz: true }).comment('lease of the worker sending it');
    t.text('last_error');
    t.text('message_id');
    t.timestamp('sent_at', { useTz: true });
    t.timestamps(true, true);
  });
  await knex.raw(`
    alter table email_outbox
      add constraint email_outbox_status_check check (status in ('pending','sending','sent','failed'))
  `);
  // The worker's claim query scans only unsent rows.
  await knex.raw(
    "create index email_outbox_due on email_outbox (next_attempt_at) where status in ('pending','sending')",
  );

  // Local mailbox: where mail goes when SMTP_URL is unset (development only).
  await knex.schema.createTable('dev_mailbox', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.text('message_id').notNullable();
    t.text('from_address').notNullable();
    t.text('to_address').notNullable();
    t.text('subject').notNullable();
    t.text('html').notNullable();
    t.text('text').notNullable();
    t.jsonb('attachments').notNullable().defaultTo('[]');
    t.timestamp('received_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('dev_mailbox');
  await knex.schema.dropTable('email_outbox');
}
