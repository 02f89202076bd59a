import type { Knex } from 'knex';

/**
 * Memberships: a reader's recurring gift, billed by a Stripe subscription.
 * A row exists from the moment the reader starts Checkout (status `pending`,
 * no subscription yet) so the attempt carries our id into Stripe's metadata;
 * from then on Stripe's subscription snapshots drive it. `snapshot_at` is the
 * `created` time of the event whose subscription snapshot we hold and
 * `status_at` that of the event that set the status (an invoice event can be
 * newer than any snapshot): nothing older overwrites something newer,
 * whatever order events arrive in.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('memberships', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('donor_id').references('id').inTable('donors').onDelete('restrict');
    t.text('stripe_subscription_id').unique();
    t.text('stripe_customer_id');
    t.text('stripe_checkout_session_id').unique();
    t.text('status').notNullable().defaultTo('pending');
    t.text('currency').notNullable();
    t.integer('amount').notNullable().comment('charged each interval, minor units, fees included');
    t.integer('fee_amount').notNullable().defaultTo(0);
    t.boolean('fee_covered').notNullable().defaultTo(false);
    t.text('interval').notNullable();
    t.timestamp('current_period_start', { useTz: true });
    t.timestamp('current_period_end', { useTz: true });
    t.boolean('cancel_at_period_end').notNullable().defaultTo(false);
    t.timestamp('canceled_at', { useTz: true });
    t.timestamp('ended_at', { useTz: true });
    t.text('cancellation_reason');
    t.text('cancellation_feedback');
    t.text('cancellation_comment');
    t.timestamp('snapshot_at', { useTz: true }).comment('created time of the event whose subscription snapshot we hold');
    t.timestamp('status_at', { useTz: true }).comment('created time of the event that set the status (snapshot or invoice)');
    t.text('email').comment('as typed on the form, before Checkout');
    t.boolean('anonymous').notNullable().defaultTo(false);
    t.text('tribute_name');
    t.text('comment');
    t.text('return_to');
    t.text('article_url');
    t.text('article_title');
    t.text('campaign');
    t.text('utm_source');
    t.text('utm_medium');
    t.text('utm_campaign');
    t.text('utm_content');
    t.text('referrer');
    t.text('cta_variant');
    t.timestamps(true, true);
    t.index(['donor_id']);
    t.index(['status']);
  });
  await knex.raw(`
    alter table memberships
      add constraint memberships_status_check check (status in
        ('pending','abandoned','failed','incomplete','incomplete_expired','trialing','active','past_due','unpaid','canceled','paused')),
      add constraint memberships_interval_check check (interval in ('month','year')),
      add constraint memberships_amount_positive check (amount > 0)
  `);
  await knex.schema.alterTable('donors', (t) => {
    t.timestamp('updated_from_stripe_at', { useTz: true }).comment('created time of the customer.updated event last applied');
  });
  await knex.schema.alterTable('donations', (t) => {
    t.uuid('membership_id').references('id').inTable('memberships').onDelete('restrict');
    t.text('dispute_status').comment("Stripe's dispute status while or after a dispute");
    t.index(['membership_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('donors', (t) => t.dropColumn('updated_from_stripe_at'));
  await knex.schema.alterTable('donations', (t) => {
    t.dropColumn('dispute_status');
    t.dropColumn('membership_id');
  });
  await knex.schema.dropTable('memberships');
}
