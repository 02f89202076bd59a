import type { Knex } from 'knex';
import type { Db } from '../db/knex';
import { KEPT_DONATION_STATUSES, netPaidSql } from '../giving/donation-status';
import type { ReportPeriod } from './report-period';

/**
 * Gift sizes in a period: kept gifts in the organisation's currency, each
 * at what it gave (paid less refunded), one-time gifts and membership
 * payments apart. Counts and sums of minor units, unformatted.
 */
export interface GiftSizeCriteria {
  currency: string;
  timezone: string;
  period: ReportPeriod;
}

/** A sum of bigints is a PostgreSQL numeric, and a count a bigint: both arrive as strings. */
type Figure = number | string;

const GIFTS_SQL = `gifts as (
    select ${netPaidSql('g')} as net, g.frequency = 'once' as one_time, g.donor_id, t.first_gift_at >= b.starts as first_time
    from donations g
    cross join (
      select cast(? as date)::timestamp at time zone ? as starts, (cast(? as date) + 1)::timestamp at time zone ? as ends
    ) b
    left join donor_totals t on t.donor_id = g.donor_id
    where g.status = any(?) and g.currency = ? and g.paid_at >= b.starts and g.paid_at < b.ends
  )`;

function giftsBindings({ period, timezone, currency }: GiftSizeCriteria): Knex.Value[] {
  return [period.from, timezone, period.to, timezone, [...KEPT_DONATION_STATUSES], currency];
}

export interface GiftSizeBucketRow {
  /** 0 below the first bound, n at or above the n-th (PostgreSQL's width_bucket over the bounds). */
  bucket: number;
  one_time: boolean;
  gifts: Figure;
  given: Figure;
}

/** How many gifts fall between each pair of `bounds` (minor units, ascending), and what they gave. */
export async function giftsBySize(db: Db, criteria: GiftSizeCriteria, bounds: readonly number[]): Promise<GiftSizeBucketRow[]> {
  const result = await db.raw(
    `with ${GIFTS_SQL}
    select width_bucket(net, cast(? as bigint[])) as bucket, one_time, count(*) as gifts, coalesce(sum(net), 0) as given
    from gifts
    group by 1, 2
    order by 1, 2`,
    [...giftsBindings(criteria), [...bounds]],
  );
  return result.rows;
}

export interface GiftSizeSummaryRow {
  /** null on the row for all gifts together. */
  one_time: boolean | null;
  gifts: Figure;
  given: Figure;
  /** Averages and medians are fractions of a minor unit; the page rounds them. */
  average: Figure | null;
  median: Figure | null;
}

/** Count, total, mean and median (`percentile_cont`, halfway between the middle two) for one-time gifts, membership payments and all. */
export async function giftSizeSummary(db: Db, criteria: GiftSizeCriteria): Promise<GiftSizeSummaryRow[]> {
  const result = await db.raw(
    `with ${GIFTS_SQL}
    select case when grouping(one_time) = 1 then null else one_time end as one_time,
      count(*) as gifts, coalesce(sum(net), 0) as given, avg(net) as average,
      percentile_cont(0.5) within group (order by net) as median
    from gifts
    group by grouping sets ((one_time), ())`,
    giftsBindings(criteria),
  );
  return result.rows;
}

export interface DonorNoveltyRow {
  first_time: boolean;
  donors: Figure;
  gifts: Figure;
  given: Figure;
}

/**
 * Donors who gave in the period, first-time (their first kept gift ever,
 * in any currency, falls in it: `donor_totals.first_gift_at`, as the
 * dashboard's new donors) or returning.
 */
export async function donorsByNovelty(db: Db, criteria: GiftSizeCriteria): Promise<DonorNoveltyRow[]> {
  const result = await db.raw(
    `with ${GIFTS_SQL}
    select coalesce(first_time, false) as first_time, count(distinct donor_id) as donors, count(*) as gifts, coalesce(sum(net), 0) as given
    from gifts
    group by 1
    order by 1 desc`,
    giftsBindings(criteria),
  );
  return result.rows;
}
