import type { Knex } from 'knex';

/**
 * Tax receipts and what they are built from.
 *
 * - `donations` gains the payment method shown on a receipt, the fair market
 *   value of any premium the gift bought (IRS Publication 1771, quid pro quo
 *   contributions) and the cumulative amount refunded.
 * - `stripe_charges` keeps the facts of each Stripe charge we hear about, keyed
 *   by charge id. `charge.succeeded` / `charge.refunded` may arrive before the
 *   event that marks the donation paid; whichever comes second applies them.
 * - `receipts` is append-only in substance: amounts are never edited, a refund
 *   voids a receipt and (if money remains) issues a correction that names it.
 * - `receipt_counters` hands out one gapless sequence per calendar year.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('donations', (t) => {
    t.text('payment_method_type').comment("Stripe's payment_method_details.type, e.g. card");
    t.text('card_brand').comment('visa, mastercard, amex... as Stripe names it');
    t.text('card_last4');
    t.integer('goods_value').notNullable().defaultTo(0).comment('fair market value of goods/services given for the gift, minor units');
    t.text('goods_description').comment('what those goods or services were, for the receipt');
    t.integer('amount_refunded').notNullable().defaultTo(0).comment('cumulative, minor units; only ever increases');
  });
  await knex.raw(`
    alter table donations
      add constraint donations_goods_value_check check (goods_value >= 0),
      add constraint donations_amount_refunded_check check (amount_refunded >= 0)
  `);

  await knex.schema.createTable('stripe_charges', (t) => {
    t.text('id').primary().comment('Stripe charge id');
    t.text('payment_intent_id');
    t.uuid('donation_id').comment('from charge metadata; not a foreign key, the donation may be unknown');
    t.text('currency').notNullable();
    t.integer('amount').notNullable();
    t.integer('amount_refunded').notNullable().defaultTo(0);
    t.boolean('refunded').notNullable().defaultTo(false);
    t.text('payment_method_type');
    t.text('card_brand');
    t.text('card_last4');
    t.timestamp('created', { useTz: true }).notNullable().comment("Stripe's charge time");
    t.timestamps(true, true);
    t.index(['payment_intent_id']);
    t.index(['donation_id']);
  });

  await knex.schema.createTable('receipt_counters', (t) => {
    t.integer('year').primary();
    t.integer('last_sequence').notNullable();
  });

  await knex.schema.createTable('receipts', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.text('number').notNullable().unique().comment('<year>-<sequence, 6 digits>, e.g. 2026-000123');
    t.integer('year').notNullable();
    t.integer('sequence').notNullable();
    t.text('kind').notNullable();
    t.uuid('donation_id').references('id').inTable('donations').onDelete('restrict');
    t.uuid('donor_id').references('id').inTable('donors').onDelete('restrict');
    t.text('currency').notNullable();
    t.integer('amount').notNullable().comment('contribution acknowledged, minor units');
    t.integer('goods_value').notNullable().defaultTo(0);
    t.text('goods_description');
    t.integer('deductible_amount').notNullable();
    t.timestamp('contributed_at', { useTz: true }).notNullable().comment('when the payment was made');
    t.uuid('replaces_receipt_id').references('id').inTable('receipts').onDelete('restrict');
    t.timestamp('issued_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('voided_at', { useTz: true });
    t.text('void_reason');
    t.unique(['year', 'sequence']);
    t.index(['donation_id']);
    t.index(['donor_id', 'year']);
  });
  await knex.raw(`
    alter table receipts
      -- year_end statements (no single donation) will widen this check.
      add constraint receipts_kind_check check (kind in ('donation','correction') and donation_id is not null),
      add constraint receipts_correction_check check ((kind = 'correction') = (replaces_receipt_id is not null)),
      add constraint receipts_amounts_check check (
        amount > 0 and goods_value >= 0 and deductible_amount >= 0 and deductible_amount <= amount),
      add constraint receipts_sequence_check check (sequence > 0),
      add constraint receipts_void_check check (
        (voided_at is null and void_reason is null)
        or (voided_at is not null and void_reason in ('refunded','corrected')))
  `);
  // A donation has one original receipt, ever, and at most one receipt in force:
  // the database refuses a second even if application code were to race.
  await knex.raw("create unique index receipts_one_original on receipts (donation_id) where kind = 'donation'");
  await knex.raw('create unique index receipts_one_current on receipts (donation_id) where voided_at is null');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('receipts');
  await knex.schema.dropTable('receipt_counters');
  await knex.schema.dropTable('stripe_charges');
  await knex.raw(`
    alter table donations
      drop constraint donations_goods_value_check,
      drop constraint donations_amount_refunded_check
  `);
  await knex.schema.alterTable('donations', (t) => {
    t.dropColumns('payment_method_type', 'card_brand', 'card_last4', 'goods_value', 'goods_description', 'amount_refunded');
  });
}
