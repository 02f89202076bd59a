import type { Knex } from 'knex';

/**
 * Donors, donations, the Stripe event ledger and organisation settings.
 * Amounts are integer minor units. Runs on PostgreSQL 15+ (and PGlite).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('donors', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.text('email').notNullable();
    t.text('name');
    t.text('stripe_customer_id').unique();
    t.jsonb('address');
    t.timestamp('anonymized_at', { useTz: true });
    t.timestamps(true, true);
  });
  // One donor per address whatever its letter case.
  await knex.raw('create unique index donors_email_lower_unique on ?? ((lower(email)))', ['donors']);

  await knex.schema.createTable('donations', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('donor_id').references('id').inTable('donors').onDelete('restrict');
    t.text('status').notNullable().defaultTo('pending');
    t.text('frequency').notNullable().defaultTo('once');
    t.text('currency').notNullable();
    t.integer('amount').notNullable().comment('total to charge, minor units, fees included');
    t.integer('fee_amount').notNullable().defaultTo(0).comment('part of amount added to cover fees');
    t.boolean('fee_covered').notNullable().defaultTo(false);
    t.integer('amount_paid').comment('what Stripe reports as paid, minor units');
    t.text('email').comment('as typed on the form, before Checkout');
    t.boolean('anonymous').notNullable().defaultTo(false);
    t.text('tribute_name');
    t.text('comment');
    t.text('return_to');
    t.text('stripe_checkout_session_id').unique();
    t.text('stripe_payment_intent_id').unique();
    t.text('stripe_invoice_id').unique();
    t.text('stripe_charge_id').unique();
    t.text('failure_reason');
    t.timestamp('processing_at', { useTz: true }).comment('delayed payment method in flight');
    t.timestamp('paid_at', { useTz: true });
    t.timestamp('failed_at', { useTz: true });
    t.timestamp('abandoned_at', { useTz: true });
    // Attribution: where the gift came from.
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
    t.index(['status', 'paid_at']);
  });
  await knex.raw(`
    alter table donations
      add constraint donations_status_check check (status in
        ('pending','succeeded','failed','abandoned','refunded','partially_refunded','disputed')),
      add constraint donations_frequency_check check (frequency in ('once','monthly','annual')),
      add constraint donations_amount_positive check (amount > 0),
      add constraint donations_fee_amount_check check (fee_amount >= 0 and fee_amount < amount),
      add constraint donations_amount_paid_check check (amount_paid is null or amount_paid >= 0)
  `);

  await knex.schema.createTable('stripe_events', (t) => {
    t.text('id').primary();
    t.text('type').notNullable();
    t.timestamp('created', { useTz: true }).notNullable().comment("Stripe's event time");
    t.boolean('livemode').notNullable();
    t.timestamp('received_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('processed_at', { useTz: true });
    t.jsonb('payload').notNullable();
    t.index(['type', 'created']);
  });

  await knex.schema.createTable('settings', (t) => {
    t.text('key').primary();
    t.jsonb('value').notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('settings');
  await knex.schema.dropTable('stripe_events');
  await knex.schema.dropTable('donations');
  await knex.schema.dropTable('donors');
}
