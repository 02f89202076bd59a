import type { Knex } from 'knex';

/**
 * One year-end giving statement per donor and year. The unique key is what
 * makes `receipts:year-end` idempotent: a second run finds the row and sends
 * nothing. Totals are a snapshot of what the statement said when issued.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('year_end_statements', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('donor_id').notNullable().references('id').inTable('donors').onDelete('restrict');
    t.integer('year').notNullable();
    t.text('currency').notNullable();
    t.integer('gift_count').notNullable();
    t.integer('total').notNullable().comment('net of refunds, minor units');
    t.integer('deductible_total').notNullable();
    t.timestamp('issued_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['donor_id', 'year']);
    t.index(['year']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('year_end_statements');
}
