import type { Knex } from 'knex';

/**
 * Password-free donor accounts: single-use sign-in links (only a hash of the
 * secret is stored) and sessions (likewise hashed), plus fixed-window rate
 * limits kept in the database so every app instance counts the same requests.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('login_tokens', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('donor_id').notNullable().references('id').inTable('donors').onDelete('cascade');
    t.text('token_hash').notNullable().unique();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('used_at', { useTz: true });
    t.index(['donor_id', 'created_at']);
  });

  await knex.schema.createTable('sessions', (t) => {
    t.text('token_hash').primary();
    t.text('kind').notNullable();
    t.uuid('donor_id').references('id').inTable('donors').onDelete('cascade');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.index(['expires_at']);
  });
  await knex.raw(`alter table sessions add constraint sessions_kind_check check (
    (kind = 'donor' and donor_id is not null))`);

  await knex.schema.createTable('rate_limits', (t) => {
    t.text('key').primary().comment('what is limited and a hash of who, never a raw address');
    t.timestamp('window_start', { useTz: true }).notNullable();
    t.integer('count').notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('rate_limits');
  await knex.schema.dropTable('sessions');
  await knex.schema.dropTable('login_tokens');
}
