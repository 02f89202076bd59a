import type { Knex } from 'knex';

/**
 * When a membership's latest payment failed, from the `created` time of the
 * newest `invoice.payment_failed` event. `status_at` cannot say it: it moves
 * whenever any event re-states the status (a member changing their amount
 * while past due), so the account page and the donor record would date the
 * failure to that change. Null when no failure was reported to us (rows from
 * before this column, or a membership that only went past due by a
 * subscription update).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('memberships', (t) => {
    t.timestamp('payment_failed_at', { useTz: true }).comment('created time of the newest invoice.payment_failed event');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('memberships', (t) => {
    t.dropColumn('payment_failed_at');
  });
}
