import type { Knex } from 'knex';
import { netPaidSql } from '../giving/donation-status';
import type { ReceiptKind, VoidReason } from '../receipts/receipt-queries';
import type { SeedPlan } from './seed-plan';
import { STATUS_BINDINGS } from './seed-statuses';
import { UUID_TABLE, uuidSql } from './seed-stripe-ids';

/** Receipt kinds and void reasons as bindings: "refunded" is a status word too, which SQL here may not spell. */
const RECEIPT_BINDINGS = {
  original: 'donation' satisfies ReceiptKind,
  correction: 'correction' satisfies ReceiptKind,
  void_refunded: 'refunded' satisfies VoidReason,
  void_corrected: 'corrected' satisfies VoidReason,
};

/**
 * What follows from the seeded payments, as the app would have written it
 * along the way: receipts and their numbering, the year-end statements of
 * years already closed, and each donor's totals.
 */

/**
 * Rows of `alias` that belong to this run's donors: in an empty database
 * every donor's (no lookup; the planner drops the test when `append` is
 * false), beside existing records only those in seed_donor.
 */
const OF_THIS_RUN = (alias: string) =>
  `${alias}.donor_id is not null and (not :append::boolean or ${alias}.donor_id in (select id from seed_donor))`;

/**
 * Receipts as receipts/issue-receipt.ts issues them: one when a gift is paid
 * (a second after its payment event), numbered in the series of the year it
 * was paid in, in the organisation's time zone; a full refund voids it, a
 * partial one voids it and issues a correction for what was kept, numbered
 * when the refund came. Sequences continue each year's counter, so an
 * appended run's numbers follow those already issued.
 */
export async function insertReceipts(trx: Knex.Transaction, plan: SeedPlan): Promise<number> {
  const original = uuidSql('2 * p.rn', UUID_TABLE.receipts);
  const partial = 'p.amount_refunded > 0 and p.amount_refunded < p.amount_paid';
  const { rowCount } = await trx.raw(
    `insert into receipts (id, number, year, sequence, kind, donation_id, donor_id, currency, amount, goods_value, goods_description,
       deductible_amount, contributed_at, replaces_receipt_id, issued_at, voided_at, void_reason)
     select id, year || '-' || lpad(sequence::text, greatest(6, length(sequence::text)), '0'), year, sequence, kind, donation_id, donor_id,
            currency, amount, goods_value, goods_description, greatest(0, amount - greatest(0, goods_value)), paid_at,
            replaces_receipt_id, issued_at, voided_at, void_reason
     from (
       select r.*, coalesce(c.last_sequence, 0) + row_number() over (partition by r.year order by r.issued_at, r.id) as sequence
       from (
         -- Each paid gift's receipt (k = 1) and, after a partial refund, its correction (k = 2).
         select case when k = 1 then ${original} else ${uuidSql('2 * p.rn + 1', UUID_TABLE.receipts)} end as id,
                case when k = 1 then :original else :correction end as kind,
                p.id as donation_id, p.donor_id, p.currency, p.goods_value, p.goods_description, p.paid_at, p.year,
                case when k = 1 then p.amount_paid else p.amount_paid - p.amount_refunded end as amount,
                case when k = 1 then p.paid_at + interval '1 second' else p.refunded_at end as issued_at,
                case when k = 1 and p.amount_refunded > 0 then p.refunded_at end as voided_at,
                case when k = 1 and p.amount_refunded >= p.amount_paid then :void_refunded when k = 1 and p.amount_refunded > 0 then :void_corrected end as void_reason,
                case when k = 2 then ${original} end as replaces_receipt_id
         from (
           select d.id, d.donor_id, d.currency, d.amount_paid, d.amount_refunded, d.paid_at, d.goods_value, d.goods_description,
                  -- A refunded gift was last changed by its refund.
                  d.updated_at as refunded_at, extract(year from d.paid_at at time zone :tz)::int as year, row_number() over () as rn
           from donations d
           where d.status = any(:receipted) and d.paid_at is not null and ${OF_THIS_RUN('d')}
         ) p
         join (values (1), (2)) v(k) on k = 1 or ${partial}
       ) r
       left join receipt_counters c on c.year = r.year
     ) n`,
    { ...plan.bindings, ...STATUS_BINDINGS, ...RECEIPT_BINDINGS },
  );
  return rowCount ?? 0;
}

/** Each year's counter at the last sequence handed out, as receipt-queries.ts takeReceiptSequence keeps it. */
export async function updateReceiptCounters(trx: Knex.Transaction): Promise<number> {
  const { rowCount } = await trx.raw(
    `insert into receipt_counters (year, last_sequence)
     select year, max(sequence) from receipts group by year
     on conflict (year) do update set last_sequence = greatest(receipt_counters.last_sequence, excluded.last_sequence)`,
  );
  return rowCount ?? 0;
}

/**
 * The statements of every year whose January run (receipts/year-end-job.ts:
 * from January 5) is past: each seeded donor's receipts in force on the day
 * it ran, so a later refund leaves the statement as it was sent. With them
 * in place the scheduled job finds nothing left to send for those years.
 */
export async function insertYearEndStatements(trx: Knex.Transaction, plan: SeedPlan): Promise<number> {
  const { rowCount } = await trx.raw(
    `with runs as (
       select y as year, make_timestamp(y + 1, 1, 5, 9, 0, 0) at time zone :tz as issued_at
       from generate_series(extract(year from :t0::timestamptz at time zone :tz)::int,
                            extract(year from :now::timestamptz at time zone :tz)::int - 1) y
     )
     insert into year_end_statements (donor_id, year, currency, gift_count, total, deductible_total, issued_at)
     select r.donor_id, r.year, min(r.currency), count(*), sum(r.amount), sum(r.deductible_amount), runs.issued_at
     from receipts r
     join runs on runs.year = r.year and runs.issued_at <= :now::timestamptz
     where ${OF_THIS_RUN('r')} and r.issued_at <= runs.issued_at and (r.voided_at is null or r.voided_at > runs.issued_at)
     group by r.donor_id, r.year, runs.issued_at`,
    plan.bindings,
  );
  return rowCount ?? 0;
}

/**
 * Seeded donors' totals in one pass, as the donations trigger's
 * refresh_donor_totals() leaves them (it counts kept gifts at their net
 * amount). Every donor has a row from the donors insert trigger (zeros),
 * which this fills in. The tests hold this to the trigger's own function,
 * donor by donor.
 */
export async function insertDonorTotals(trx: Knex.Transaction, plan: SeedPlan): Promise<number> {
  const kept = 'd.status = any(:kept)';
  const { rowCount } = await trx.raw(
    `insert into donor_totals (donor_id, lifetime, gifts, first_gift_at, last_gift_at)
     select d.donor_id, coalesce(sum(${netPaidSql('d')}) filter (where ${kept}), 0), count(*) filter (where ${kept}),
            min(d.paid_at) filter (where ${kept}), max(d.paid_at) filter (where ${kept})
     from donations d
     where ${OF_THIS_RUN('d')}
     group by d.donor_id
     on conflict (donor_id) do update set (lifetime, gifts, first_gift_at, last_gift_at) =
       (excluded.lifetime, excluded.gifts, excluded.first_gift_at, excluded.last_gift_at)`,
    { ...plan.bindings, kept: STATUS_BINDINGS.kept },
  );
  return rowCount ?? 0;
}
