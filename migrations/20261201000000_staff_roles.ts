import type { Knex } from 'knex';

/**
 * Two more staff roles (src/admin/roles.ts): `finance` (reports and exports)
 * and `newsroom` (editors: giving totals and revenue by story, never who gives).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('alter table admin_users drop constraint admin_users_role_check');
  await knex.raw(`alter table admin_users add constraint admin_users_role_check check (role in ('admin', 'finance', 'staff', 'newsroom'))`);
}

export async function down(knex: Knex): Promise<void> {
  // Down to the two old roles without widening anyone's access: finance becomes staff, the newsroom is disabled.
  await knex('admin_users').where({ role: 'finance' }).update({ role: 'staff' });
  await knex('admin_users').where({ role: 'newsroom' }).update({ role: 'staff', disabled_at: knex.fn.now() });
  await knex.raw('alter table admin_users drop constraint admin_users_role_check');
  await knex.raw(`alter table admin_users add constraint admin_users_role_check check (role in ('admin', 'staff'))`);
}
