import type { Knex } from 'knex';

/**
 * Paid gifts added up per UTC hour, currency and frequency, for reports by
 * month and the dashboard's 30-day figures without reading every gift
 * (src/giving/giving-hours-queries.ts reads it).
 *
 * Why UTC hours and not months: a month is a month in the organisation's
 * time zone, and that zone is a setting staff can change. A month in any zone
 * starts on an hour in UTC for every zone a whole number of hours from UTC;
 * for the few that are not (India, Nepal, Newfoundland...), the reader takes
 * the hour a month starts or ends inside of from the donations themselves.
 * So changing the zone needs no rebuild, and every figure stays exact.
 *
 * A gift counts in the hour it was paid (`paid_at`), refunds included: a
 * refund lowers the month of the gift it returns, as the donation row
 * carries it. Paid gifts (PAID_DONATION_STATUSES as of this migration) make
 * `paid_gifts`, `gross` and `refunded`; kept ones (KEPT_DONATION_STATUSES)
 * `kept_gifts` and `given` (net of refunds), which the dashboard shows.
 *
 * The donations trigger subtracts a row's old contribution and adds its new
 * one in the transaction that changes it: sums commute, so the table is right
 * whatever order webhooks arrive in, and a replayed webhook that rewrites the
 * same values adds nothing. (It is the one trigger on donations, so a bulk
 * load that disables it knows what to replay: `rebuild_giving_hours()`.)
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('giving_hours', (t) => {
    t.timestamp('hour', { useTz: true }).notNullable().comment('start of a UTC hour');
    t.text('currency').notNullable();
    t.text('frequency').notNullable();
    t.integer('paid_gifts').notNullable().defaultTo(0);
    t.bigInteger('gross').notNullable().defaultTo(0).comment('minor units paid');
    t.bigInteger('refunded').notNullable().defaultTo(0).comment('minor units refunded of those');
    t.integer('kept_gifts').notNullable().defaultTo(0);
    t.bigInteger('given').notNullable().defaultTo(0).comment('minor units kept: paid less refunded, kept gifts only');
    t.primary(['currency', 'hour', 'frequency']);
  });

  // date_trunc in UTC whatever the session's TimeZone: in Asia/Kolkata a local hour starts at :30 UTC.
  await knex.raw(`
    create function count_in_giving_hours(d donations, sign integer) returns void language plpgsql as $$
    declare
      kept boolean := d.status in ('succeeded', 'partially_refunded');
      paid integer := coalesce(d.amount_paid, d.amount);
    begin
      if d.paid_at is null or d.status not in ('succeeded', 'partially_refunded', 'refunded') then
        return;
      end if;
      insert into giving_hours as h (hour, currency, frequency, paid_gifts, gross, refunded, kept_gifts, given)
      values (date_trunc('hour', d.paid_at, 'UTC'), d.currency, d.frequency, sign, sign * paid, sign * d.amount_refunded,
              case when kept then sign else 0 end, case when kept then sign * (paid - d.amount_refunded) else 0 end)
      on conflict (currency, hour, frequency) do update set
        (paid_gifts, gross, refunded, kept_gifts, given) =
        (h.paid_gifts + excluded.paid_gifts, h.gross + excluded.gross, h.refunded + excluded.refunded,
         h.kept_gifts + excluded.kept_gifts, h.given + excluded.given);
    end
    $$`);

  // Recounts everything from the donations. The lock makes writers of donations wait (their trigger needs
  // ROW EXCLUSIVE on giving_hours) and waits for those already counted to commit, so no change is lost or counted twice.
  await knex.raw(`
    create function rebuild_giving_hours() returns void language plpgsql as $$
    begin
      lock table giving_hours in share row exclusive mode;
      delete from giving_hours;
      insert into giving_hours (hour, currency, frequency, paid_gifts, gross, refunded, kept_gifts, given)
      select date_trunc('hour', paid_at, 'UTC'), currency, frequency, count(*), sum(coalesce(amount_paid, amount)), sum(amount_refunded),
             count(*) filter (where status in ('succeeded', 'partially_refunded')),
             coalesce(sum(coalesce(amount_paid, amount) - amount_refunded) filter (where status in ('succeeded', 'partially_refunded')), 0)
      from donations
      where paid_at is not null and status in ('succeeded', 'partially_refunded', 'refunded')
      group by 1, 2, 3;
    end
    $$`);

  await knex.raw('drop trigger donations_donor_totals on donations');
  await knex.raw(donationsTriggerFunction({ countHours: true }));
  await knex.raw(donationsTrigger('donor_id, status, currency, frequency, amount, amount_paid, amount_refunded, paid_at'));
  await knex.raw('select rebuild_giving_hours()');
}

/** The donations trigger's function: the donor's totals (20261201000000), and with `countHours` the gift's hour. */
function donationsTriggerFunction({ countHours }: { countHours: boolean }): string {
  const columns = ['donor_id', 'status', 'currency', ...(countHours ? ['frequency'] : []), 'amount', 'amount_paid', 'amount_refunded', 'paid_at'];
  const row = (version: string) => `(${columns.map((c) => `${version}.${c}`).join(', ')})`;
  return `
    create or replace function donations_refresh_donor_totals() returns trigger language plpgsql as $$
    begin
      if tg_op = 'UPDATE' and ${row('new')} is not distinct from ${row('old')} then
        return null;
      end if;
      if tg_op in ('UPDATE', 'DELETE') then
        perform refresh_donor_totals(old.donor_id);
        ${countHours ? 'perform count_in_giving_hours(old, -1);' : ''}
      end if;
      if tg_op = 'INSERT' or (tg_op = 'UPDATE' and new.donor_id is distinct from old.donor_id) then
        perform refresh_donor_totals(new.donor_id);
      end if;
      ${countHours ? "if tg_op in ('INSERT', 'UPDATE') then perform count_in_giving_hours(new, 1); end if;" : ''}
      return null;
    end
    $$`;
}

function donationsTrigger(columns: string): string {
  return `
    create trigger donations_donor_totals
      after insert or delete or update of ${columns} on donations
      for each row execute function donations_refresh_donor_totals()`;
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop trigger donations_donor_totals on donations');
  await knex.raw(donationsTriggerFunction({ countHours: false }));
  await knex.raw(donationsTrigger('donor_id, status, currency, amount, amount_paid, amount_refunded, paid_at'));
  await knex.raw('drop function rebuild_giving_hours()');
  await knex.raw('drop function count_in_giving_hours(donations, integer)');
  await knex.schema.dropTable('giving_hours');
}
