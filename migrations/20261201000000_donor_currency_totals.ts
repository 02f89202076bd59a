import type { Knex } from 'knex';

/**
 * What the staff console sorts, filters and counts donors by, kept per donor
 * instead of added up from every donation on every page view
 * (docs/PERFORMANCE.md, "Staff console at scale"):
 *
 * - `donor_currency_totals`: one row per donor and currency they kept a gift
 *   or hold a committed membership in — their first and last kept gift in it,
 *   and yearly giving as src/members/level-queries.ts states the rule: net
 *   given in the last 365 days, the yearly commitment of committed
 *   memberships, and the larger of the two (`yearly`).
 * - `donor_totals` gets a row for every donor, gifts or not, so the donors
 *   list can walk an index on it instead of joining every donor; and
 *   `donor_count` counts donors, which the list and the dashboard show.
 *
 * `refresh_donor_totals` recomputes a donor's rows from their own donations
 * and memberships; the triggers on both tables call it in the transaction of
 * the change, so the rows are right whatever order webhooks arrive in and
 * however often one is replayed. Only the clock moves `given` without a write:
 * a gift leaves it 365 days after it was paid. `given_changes_at` is that
 * moment for the row's oldest gift still inside, and a scheduled job
 * (src/members/yearly-giving-job.ts) recomputes rows once it has passed.
 *
 * The status lists are KEPT_DONATION_STATUSES and COMMITTED_MEMBERSHIP_STATUSES
 * as of this migration. tests/integration/db/donor-rollups.property.test.ts
 * compares these rows with the rule computed afresh, so changing either set
 * fails there until a migration redefines the functions below.
 */
const YEAR = "interval '8760 hours'"; // 365 days of 24 hours: '365 days' would shift by an hour across a DST change

/** Yearly giving per currency for the donors `donorsSql` selects, as of `asOf`. */
function yearlyGivingSql(donorsSql: string, asOf: string): string {
  return `
    with kept as (
      select donor_id, currency, paid_at, coalesce(amount_paid, amount) - amount_refunded as given, paid_at > ${asOf} - ${YEAR} as inside
      from donations
      where donor_id in (${donorsSql}) and status in ('succeeded', 'partially_refunded') and paid_at is not null
    ), gifts as (
      select donor_id, currency, min(paid_at) as first_gift_at, max(paid_at) as last_gift_at,
             coalesce(sum(given) filter (where inside), 0) as given, min(paid_at) filter (where inside) as oldest_inside
      from kept group by donor_id, currency
    ), commitments as (
      select donor_id, currency, sum(case when interval = 'month' then amount * 12 else amount end) as committed
      from memberships
      where donor_id in (${donorsSql}) and status in ('active', 'trialing', 'past_due')
      group by donor_id, currency
    )
    select coalesce(g.donor_id, c.donor_id) as donor_id, coalesce(g.currency, c.currency) as currency, g.first_gift_at, g.last_gift_at,
           coalesce(g.given, 0) as given, coalesce(c.committed, 0) as committed, g.oldest_inside + ${YEAR} as given_changes_at
    from gifts g full join commitments c on c.donor_id = g.donor_id and c.currency = g.currency`;
}

const COLUMNS = 'donor_id, currency, first_gift_at, last_gift_at, given, committed, given_changes_at';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('donor_currency_totals', (t) => {
    t.uuid('donor_id').notNullable().references('id').inTable('donors').onDelete('cascade');
    t.text('currency').notNullable();
    t.timestamp('first_gift_at', { useTz: true }).comment('first kept gift in this currency');
    t.timestamp('last_gift_at', { useTz: true }).comment('last kept gift in this currency');
    t.bigInteger('given').notNullable().comment('minor units: kept gifts of the 365 days before the last refresh, net of refunds');
    t.bigInteger('committed').notNullable().comment('minor units a year: committed memberships');
    t.timestamp('given_changes_at', { useTz: true }).comment('when the oldest gift counted in given leaves the window');
    t.primary(['donor_id', 'currency']);
  });
  await knex.raw('alter table donor_currency_totals add column yearly bigint not null generated always as (greatest(given, committed)) stored');
  // Sorting and filtering by yearly giving (and counting levels from the index alone).
  await knex.raw('create index donor_currency_totals_yearly on donor_currency_totals (currency, yearly desc, donor_id)');
  // The dashboard's donors and new donors of a period; the job's rows to refresh.
  await knex.raw('create index donor_currency_totals_last_gift on donor_currency_totals (currency, last_gift_at)');
  await knex.raw('create index donor_currency_totals_first_gift on donor_currency_totals (currency, first_gift_at)');
  await knex.raw('create index donor_currency_totals_given_changes on donor_currency_totals (given_changes_at)');

  await knex.raw(`
    create function refresh_donor_currency_totals(target uuid, as_of timestamptz) returns void language plpgsql as $$
    begin
      with fresh as (${yearlyGivingSql('target', 'as_of')}),
      gone as (
        delete from donor_currency_totals where donor_id = target and currency not in (select currency from fresh)
      )
      insert into donor_currency_totals (${COLUMNS})
      select ${COLUMNS} from fresh
      on conflict (donor_id, currency) do update set
        (first_gift_at, last_gift_at, given, committed, given_changes_at) =
        (excluded.first_gift_at, excluded.last_gift_at, excluded.given, excluded.committed, excluded.given_changes_at);
    end
    $$`);

  // As 20261128000700 defined it, with a time to count the year back from and the per-currency rows.
  await knex.raw('drop function refresh_donor_totals(uuid)');
  await knex.raw(`
    create function refresh_donor_totals(target uuid, as_of timestamptz default now()) returns void language plpgsql as $$
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
      perform refresh_donor_currency_totals(target, as_of);
    end
    $$`);

  // The donations trigger also fires on a change of currency now; rewrites that change nothing counted are skipped.
  await knex.raw('drop trigger donations_donor_totals on donations');
  await knex.raw(refreshOnChangeFunction('donations', ['donor_id', 'status', 'currency', 'amount', 'amount_paid', 'amount_refunded', 'paid_at']));
  await knex.raw(`
    create trigger donations_donor_totals
      after insert or delete or update of donor_id, status, currency, amount, amount_paid, amount_refunded, paid_at on donations
      for each row execute function donations_refresh_donor_totals()`);

  // A membership's commitment moves with its status, amount, interval, currency and donor.
  await knex.raw(refreshOnChangeFunction('memberships', ['donor_id', 'status', 'currency', 'amount', 'interval']));
  await knex.raw(`
    create trigger memberships_donor_totals
      after insert or delete or update of donor_id, status, currency, amount, interval on memberships
      for each row execute function memberships_refresh_donor_totals()`);

  // Every donor has a donor_totals row from the start, and `donor_count` counts them: one statement per insert
  // or delete, however many donors it touches. A webhook that only updates a donor (ON CONFLICT) writes neither.
  await knex.schema.createTable('donor_count', (t) => {
    t.boolean('one').primary().defaultTo(true).comment('a single row');
    t.bigInteger('donors').notNullable();
  });
  await knex.raw('alter table donor_count add constraint donor_count_one_row check (one)');
  await knex.raw(`
    create function donors_add_donor_totals() returns trigger language plpgsql as $$
    begin
      if exists (select 1 from added) then
        insert into donor_totals (donor_id) select id from added on conflict (donor_id) do nothing;
        insert into donor_count as c (donors) select count(*) from added
          on conflict (one) do update set donors = c.donors + excluded.donors;
      end if;
      return null;
    end
    $$`);
  await knex.raw(`
    create trigger donors_donor_totals after insert on donors
      referencing new table as added for each statement execute function donors_add_donor_totals()`);
  await knex.raw(`
    create function donors_count_removed() returns trigger language plpgsql as $$
    begin
      if tg_op = 'TRUNCATE' then
        delete from donor_count;
      elsif exists (select 1 from removed) then
        update donor_count set donors = donors - (select count(*) from removed);
      end if;
      return null;
    end
    $$`);
  await knex.raw(`
    create trigger donors_count_removed after delete on donors
      referencing old table as removed for each statement execute function donors_count_removed()`);
  await knex.raw('create trigger donors_count_truncated after truncate on donors for each statement execute function donors_count_removed()');

  // Existing data, set-based: what calling refresh_donor_totals for every donor gives, in seconds rather than minutes.
  // The triggers above already hold their tables' locks, so no write slips between this and them.
  await knex.raw('insert into donor_totals (donor_id) select id from donors on conflict (donor_id) do nothing');
  await knex.raw('insert into donor_count (donors) select count(*) from donors');
  await knex.raw(`insert into donor_currency_totals (${COLUMNS}) ${yearlyGivingSql('select id from donors', 'now()')}`);
}

/** `<table>_refresh_donor_totals()`: refreshes the old and the new donor of a row when one of `columns` changed. */
function refreshOnChangeFunction(table: string, columns: string[]): string {
  const row = (version: string) => `(${columns.map((c) => `${version}.${c}`).join(', ')})`;
  return `
    create or replace function ${table}_refresh_donor_totals() returns trigger language plpgsql as $$
    begin
      if tg_op = 'UPDATE' and ${row('new')} is not distinct from ${row('old')} then
        return null;
      end if;
      if tg_op in ('UPDATE', 'DELETE') then
        perform refresh_donor_totals(old.donor_id);
      end if;
      if tg_op = 'INSERT' or (tg_op = 'UPDATE' and new.donor_id is distinct from old.donor_id) then
        perform refresh_donor_totals(new.donor_id);
      end if;
      return null;
    end
    $$`;
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop trigger donors_count_truncated on donors');
  await knex.raw('drop trigger donors_count_removed on donors');
  await knex.raw('drop function donors_count_removed()');
  await knex.raw('drop trigger donors_donor_totals on donors');
  await knex.raw('drop function donors_add_donor_totals()');
  await knex.schema.dropTable('donor_count');
  await knex.raw('drop trigger memberships_donor_totals on memberships');
  await knex.raw('drop function memberships_refresh_donor_totals()');
  await knex.raw('drop trigger donations_donor_totals on donations');
  await knex.raw(`
    create or replace function donations_refresh_donor_totals() returns trigger language plpgsql as $$
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
  await knex.raw('drop function refresh_donor_totals(uuid, timestamptz)');
  await knex.raw(`
    create function refresh_donor_totals(target uuid) returns void language plpgsql as $$
    begin
      if target is null then
        return;
      end if;
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
  await knex.raw('drop function refresh_donor_currency_totals(uuid, timestamptz)');
  await knex.schema.dropTable('donor_currency_totals');
  // Rows of donors without gifts stay in donor_totals: zeros, as for a donor whose gifts were all refunded.
}
