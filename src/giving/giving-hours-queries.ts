import type { Db } from '../db/knex';
import { KEPT_DONATION_STATUSES, netPaidSql, PAID_DONATION_STATUSES } from './donation-status';

/**
 * Money in by period, read from `giving_hours`: paid gifts added up per UTC
 * hour, currency and frequency, kept by the donations trigger
 * (migrations/20261201000100_giving_hours.ts). A period that starts or ends
 * inside an hour (a dashboard window ending now, a month in a zone half an
 * hour off UTC) takes those minutes from the donations themselves, so every
 * figure equals adding up the donations, for any period and any zone.
 */

const HOUR_MS = 3_600_000;
const floorHour = (at: Date) => new Date(Math.floor(at.getTime() / HOUR_MS) * HOUR_MS);

/** A sum of bigints is a PostgreSQL numeric, which arrives as a string. */
type Sum = number | string;

export interface KeptGivingRow {
  frequency: string;
  /** Kept gifts: paid and not refunded in full. */
  gifts: Sum;
  /** What they gave: paid less refunded. */
  given: Sum;
}

/** Kept gifts in `currency` paid in (after, upTo], by frequency (once, monthly, annual); none, no row. */
export async function keptGivingBetween(db: Db, currency: string, after: Date, upTo: Date): Promise<KeptGivingRow[]> {
  // The whole hours inside the period, and the minutes either side of them.
  const wholeFrom = new Date(floorHour(after).getTime() + HOUR_MS);
  const wholeUntil = new Date(Math.max(floorHour(upTo).getTime(), wholeFrom.getTime()));
  const hours = db('giving_hours')
    .select('frequency', 'kept_gifts as gifts', 'given')
    .where({ currency })
    .where('hour', '>=', wholeFrom)
    .where('hour', '<', wholeUntil);
  const minutes = db('donations')
    .select('frequency', db.raw('1 as gifts'), db.raw(`${netPaidSql()} as given`))
    .where({ currency })
    .whereIn('status', KEPT_DONATION_STATUSES)
    .where((w) =>
      w
        .where((edge) => edge.where('paid_at', '>', after).where('paid_at', '<', wholeFrom).where('paid_at', '<=', upTo))
        .orWhere((edge) => edge.where('paid_at', '>=', wholeUntil).where('paid_at', '<=', upTo)),
    );
  return db
    .select('frequency', db.raw('sum(gifts) as gifts'), db.raw('sum(given) as given'))
    .from(hours.unionAll(minutes, true).as('x'))
    .groupBy('frequency')
    .havingRaw('sum(gifts) > 0');
}

export interface MonthlyGivingRow {
  /** First day of the month in the organisation's zone, YYYY-MM-DD. */
  month: string;
  frequency: string;
  /** Paid gifts, refunded ones included. */
  gifts: Sum;
  /** Minor units paid. */
  gross: Sum;
  /** Minor units refunded of those, counted in the month of the gift. */
  refunded: Sum;
  /** gross - refunded. */
  net: Sum;
}

/**
 * Paid gifts in `currency` by calendar month in `timezone` (an IANA zone),
 * from the month of `fromMonth` to that of `toMonth` (YYYY-MM or YYYY-MM-DD,
 * both included), by frequency. Months and frequencies without a paid gift
 * have no row. A refund counts in the month of the gift it returns.
 */
export async function monthlyGiving(db: Db, currency: string, fromMonth: string, toMonth: string, timezone: string): Promise<MonthlyGivingRow[]> {
  const firstDay = (month: string) => `${month.slice(0, 7)}-01`;
  const { rows } = await db.raw(
    `with months as (
      select cast(m as date) as month, m at time zone :timezone as starts, (m + interval '1 month') at time zone :timezone as ends
      from generate_series(cast(cast(:from as date) as timestamp), cast(cast(:to as date) as timestamp), interval '1 month') m
    ), spans as (
      select month, starts, ends,
        date_trunc('hour', starts, 'UTC') + case when starts = date_trunc('hour', starts, 'UTC') then interval '0' else interval '1 hour' end as whole_from,
        date_trunc('hour', ends, 'UTC') as whole_until
      from months
    ), counted as (
      select s.month, h.frequency, h.paid_gifts as gifts, h.gross, h.refunded
      from spans s join giving_hours h on h.currency = :currency and h.hour >= s.whole_from and h.hour < s.whole_until
      union all
      select s.month, g.frequency, 1, coalesce(g.amount_paid, g.amount), g.amount_refunded
      from spans s join donations g on g.currency = :currency and g.status = any(:paid)
        and ((g.paid_at >= s.starts and g.paid_at < s.whole_from) or (g.paid_at >= s.whole_until and g.paid_at < s.ends))
    )
    select to_char(month, 'YYYY-MM-DD') as month, frequency, sum(gifts) as gifts, sum(gross) as gross, sum(refunded) as refunded,
      sum(gross) - sum(refunded) as net
    from counted group by month, frequency having sum(gifts) > 0 order by month, frequency`,
    { timezone, from: firstDay(fromMonth), to: firstDay(toMonth), currency, paid: [...PAID_DONATION_STATUSES] },
  );
  return rows;
}

/**
 * Whether `giving_hours` adds up to what the donations hold (one snapshot for
 * both). Not so after a bulk load that turned the donations trigger off.
 */
export async function givingHoursMatchDonations(db: Db): Promise<boolean> {
  // Each figure cast to bigint: a sum of bigints is numeric, and comparing a bigint with a numeric inside a
  // record fails (42804) once the columns before it are equal.
  const { rows } = await db.raw(
    `select d.gifts = h.gifts and d.gross = h.gross and d.refunded = h.refunded as matches
     from (select count(*) as gifts, coalesce(sum(coalesce(amount_paid, amount)), 0)::bigint as gross,
                  coalesce(sum(amount_refunded), 0)::bigint as refunded
           from donations where paid_at is not null and status = any(?)) d,
          (select coalesce(sum(paid_gifts), 0)::bigint as gifts, coalesce(sum(gross), 0)::bigint as gross,
                  coalesce(sum(refunded), 0)::bigint as refunded
           from giving_hours) h`,
    [[...PAID_DONATION_STATUSES]],
  );
  return rows[0]?.matches === true;
}

/** Recounts `giving_hours` from the donations (the migration's own function; writers of donations wait meanwhile). */
export async function rebuildGivingHours(db: Db): Promise<void> {
  await db.raw('select rebuild_giving_hours()');
}
