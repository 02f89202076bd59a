import type { Knex } from 'knex';

/**
 * Each donor's all-time giving (net of refunds), number of gifts and first and
 * last gift, kept by a trigger on `donations` so the staff console can list and
 * sort tens of thousands of donors without adding up every donation on every
 * page view. The trigger recomputes the donor's row from their donations
 * rather than adding deltas, so it is right whatever order webhooks arrive in
 * and however often a row is rewritten.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('donor_totals', (t) => {
    t.uuid('donor_id').primary().references('id').inTable('donors').onDelete('cascade');
    t.bigInteger('lifetime').notNullable().defaultTo(0).comment('minor units, paid less refunded');
    t.integer('gifts').notNullable().defaultTo(0);
    t.timestamp('first_gift_at', { useTz: true });
    t.timestamp('last_gift_at', { useTz: true });
    t.index(['last_gift_at']);
    t.index(['first_gift_at']);
  });

  await knex.raw(`
    create function refresh_donor_totals(target uuid) returns void language plpgsql as $$
    begin
      if target is null then
        return;
      end if;
      -- Take the donor's row lock before reading their donations: a concurrent
      -- transaction adding a gift for the same donor then commits first, and
      -- the next statement (a fresh snapshot under READ COMMITTED) counts it.
      insert into donor_totals (donor_id) values (target) on conflict (donor_id) do nothing;
      perform 1 from donor_totals where donor_id = target for update;
      update donor_totals set
        (lifetime, gifts, first_gift_at, last_gift_at) = (
          select coalesce(sum(coalesce(d.amount_paid, d.amount) - d.amount_refunded), 0), count(*), min(d.paid_at), max(d.paid_at)
          from donations d
          where d.donor_id = target and d.status in ('succeeded', 'partially_refunded')
        )
      where donor_id = target;
    end
    $$`);
  await knex.raw(`
    create function donations_refresh_donor_totals() returns trigger language plpgsql as $$
    begin
      if tg_op in ('UPDATE', 'DELETE') then
        perform refresh_donor_totals(old.donor_id);
      end if;
      if tg_op = 'INSERT' or (tg_op = 'UPDATE' and new.donor_id is distinct from old.donor_id) then
        perform refresh_donor_totals(new.donor_id);
      end if;
      return null;
    end
    $$`);
  await knex.raw(`
    create trigger donations_donor_totals
      after insert or delete or update of donor_id, status, amount, amount_paid, amount_refunded, paid_at on donations
      for each row execute function donations_refresh_donor_totals()`);

  // The dashboard's recent gifts: newest paid gifts first, without sorting them all.
  await knex.raw(`create index donations_given_paid_at on donations (paid_at desc) where status in ('succeeded', 'partially_refunded')`);

  await knex.raw(`
    insert into donor_totals (donor_id, lifetime, gifts, first_gift_at, last_gift_at)
    select donor_id, sum(coalesce(amount_paid, amount) - amount_refunded), count(*), min(paid_at), max(paid_at)
    from donations
    where donor_id is not null and status in ('succeeded', 'partially_refunded')
    group by donor_id`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index donations_given_paid_at');
  await knex.raw('drop trigger donations_donor_totals on donations');
  await knex.raw('drop function donations_refresh_donor_totals()');
  await knex.raw('drop function refresh_donor_totals(uuid)');
  await knex.schema.dropTable('donor_totals');
}
