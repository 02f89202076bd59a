import type { Knex } from 'knex';

/**
 * The staff console: staff accounts (password hashes only), their sessions in
 * the shared `sessions` table, and an append-only audit log of who signed in,
 * whose donor record they opened and what they changed.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('admin_users', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.text('email').notNullable();
    t.text('name');
    t.text('password_hash').notNullable();
    t.text('role').notNullable();
    t.timestamp('disabled_at', { useTz: true });
    t.timestamp('last_sign_in_at', { useTz: true });
    t.timestamps(true, true);
  });
  await knex.raw('create unique index admin_users_email_lower_unique on ?? ((lower(email)))', ['admin_users']);
  await knex.raw(`alter table admin_users add constraint admin_users_role_check check (role in ('admin', 'staff'))`);

  await knex.schema.alterTable('sessions', (t) => {
    t.uuid('admin_user_id').references('id').inTable('admin_users').onDelete('cascade');
  });
  await knex.raw('alter table sessions drop constraint sessions_kind_check');
  await knex.raw(`alter table sessions add constraint sessions_kind_check check (
    (kind = 'donor' and donor_id is not null and admin_user_id is null) or
    (kind = 'admin' and admin_user_id is not null and donor_id is null))`);

  await knex.schema.createTable('audit_log', (t) => {
    t.bigIncrements('id');
    t.uuid('admin_user_id').references('id').inTable('admin_users').onDelete('set null');
    t.text('action').notNullable();
    t.text('subject_type');
    t.text('subject_id');
    t.jsonb('detail').notNullable().defaultTo('{}');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['created_at']);
    t.index(['subject_type', 'subject_id']);
  });

  // Donor search matches part of a name or address; newest donors first by default.
  await knex.schema.alterTable('donors', (t) => {
    t.index(['created_at']);
  });
  await knex.schema.alterTable('donations', (t) => {
    t.index(['donor_id', 'paid_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('donations', (t) => {
    t.dropIndex(['donor_id', 'paid_at']);
  });
  await knex.schema.alterTable('donors', (t) => {
    t.dropIndex(['created_at']);
  });
  await knex.schema.dropTable('audit_log');
  await knex('sessions').where({ kind: 'admin' }).delete();
  await knex.raw('alter table sessions drop constraint sessions_kind_check');
  await knex.schema.alterTable('sessions', (t) => {
    t.dropColumn('admin_user_id');
  });
  await knex.raw(`alter table sessions add constraint sessions_kind_check check (
    (kind = 'donor' and donor_id is not null))`);
  await knex.schema.dropTable('admin_users');
}
