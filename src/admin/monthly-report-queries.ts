import type { Knex } from 'knex';
import type { Db } from '../db/knex';
import { DISPUTABLE_DONATION_STATUSES, KEPT_DONATION_STATUSES, netPaidSql } from '../giving/donation-status';
import {
  COMMITTED_MEMBERSHIP_STATUSES,
  ENDED_MEMBERSHIP_STATUSES,
  LAPSE_REASONS,
  ON_HOLD_MEMBERSHIP_STATUSES,
  STARTED_MEMBERSHIP_STATUSES,
} from '../members/membership-status';

/**
 * The monthly series behind the revenue and members reports, one function
 * per series, each answering one row per month (YYYY-MM in the
 * organisation's zone) over an inclusive range of months. Months with
 * nothing are absent; the page models fill them with zeros. A per-month
 * rollup can replace any one function's body without touching the pages.
 */
export interface MonthRange {
  /** YYYY-MM, both included. */
  first: string;
  last: string;
  timezone: string;
}

/** A sum of bigints is a PostgreSQL numeric, and a count a bigint: both arrive as strings. */
type Figure = number | string;

/** The range's first and last instants: midnight on the first of `first` to midnight after `last`, in the zone. */
const RANGE_SQL = `range as (
  select cast(? as timestamp) at time zone ? as starts,
         (cast(? as timestamp) + interval '1 month') at time zone ? as ends
)`;

function rangeBindings({ first, last, timezone }: MonthRange): string[] {
  return [`${first}-01`, timezone, `${last}-01`, timezone];
}

export interface GivingMonthRow {
  month: string;
  one_time: Figure;
  recurring: Figure;
  one_time_gifts: Figure;
  recurring_gifts: Figure;
}

/**
 * Money given each month: kept gifts in `currency`, net of refunds, split
 * into one-time gifts and membership payments (by the gift's frequency, as
 * the dashboard splits them).
 */
export async function givingByMonth(db: Db, range: MonthRange, currency: string): Promise<GivingMonthRow[]> {
  const result = await db.raw(
    `with ${RANGE_SQL}
    select to_char(g.paid_at at time zone ?, 'YYYY-MM') as month,
      coalesce(sum(${netPaidSql('g')}) filter (where g.frequency = 'once'), 0) as one_time,
      coalesce(sum(${netPaidSql('g')}) filter (where g.frequency <> 'once'), 0) as recurring,
      count(*) filter (where g.frequency = 'once') as one_time_gifts,
      count(*) filter (where g.frequency <> 'once') as recurring_gifts
    from donations g
    cross join range r
    where g.status = any(?) and g.currency = ? and g.paid_at >= r.starts and g.paid_at < r.ends
    group by 1
    order by 1`,
    [...rangeBindings(range), range.timezone, [...KEPT_DONATION_STATUSES], currency],
  );
  return result.rows;
}

/**
 * Each started membership as a span of time (members/CONTEXT.md, "active at
 * a date"): it starts with its first payment (its creation when no payment
 * is recorded yet), ends when Stripe ended it, and stops being active from
 * the moment it went on hold, when it is on hold now. We keep a membership's
 * current status and when it was set, not its history, so an earlier spell
 * on hold that was made good is not seen.
 */
const SPANS_SQL = `firsts as (
    select membership_id, min(paid_at) as paid_at
    from donations
    where membership_id is not null and status = any(?)
    group by membership_id
  ),
  spans as (
    select m.currency,
      case when m.interval = 'month' then m.amount else m.amount / 12.0 end as monthly,
      coalesce(f.paid_at, m.created_at) as starts,
      case when m.status = any(?) then greatest(coalesce(m.ended_at, m.canceled_at, m.status_at, m.updated_at), coalesce(f.paid_at, m.created_at)) end as ends,
      case when m.status = any(?) then coalesce(m.status_at, m.updated_at) end as held_since,
      case when m.status = any(?) and not m.status = any(?) then coalesce(m.status_at, m.updated_at) end as uncommitted_since,
      coalesce(m.cancellation_reason = any(?), false) as lapsed
    from memberships m
    left join firsts f on f.membership_id = m.id
    where m.status = any(?)
  )`;

function spansBindings(): Knex.Value[] {
  return [
    [...DISPUTABLE_DONATION_STATUSES],
    [...ENDED_MEMBERSHIP_STATUSES],
    [...ON_HOLD_MEMBERSHIP_STATUSES],
    [...ON_HOLD_MEMBERSHIP_STATUSES],
    [...COMMITTED_MEMBERSHIP_STATUSES],
    [...LAPSE_REASONS],
    [...STARTED_MEMBERSHIP_STATUSES],
  ];
}

/** Active at instant `at` (SQL): begun before it, not ended by it, not on hold by it. */
const activeAt = (at: string) => `(s.starts < ${at} and (s.ends is null or s.ends >= ${at}) and (s.held_since is null or s.held_since > ${at}))`;

export interface MembershipMonthRow {
  month: string;
  active_at_start: Figure;
  active_at_end: Figure;
  started: Figure;
  cancelled: Figure;
  lapsed: Figure;
  /** Monthly recurring revenue at the month's end, in minor units of `currency`. */
  mrr: Figure;
}

/**
 * Members each month: active at its first and last instant, memberships
 * that started and that ended in it (lapsed: Stripe ended it for payment,
 * `LAPSE_REASONS`; cancelled: any other ending), and monthly recurring
 * revenue at its end — what memberships active or in arrears then bring in
 * a month, yearly ones at a twelfth, as the dashboard counts it.
 */
export async function membershipsByMonth(db: Db, range: MonthRange, currency: string): Promise<MembershipMonthRow[]> {
  const result = await db.raw(
    `with ${SPANS_SQL},
    months as (
      select to_char(mo, 'YYYY-MM') as month, mo at time zone ? as starts, (mo + interval '1 month') at time zone ? as ends
      from generate_series(cast(? as timestamp), cast(? as timestamp), interval '1 month') mo
    )
    select mo.month,
      count(s.starts) filter (where ${activeAt('mo.starts')}) as active_at_start,
      count(s.starts) filter (where ${activeAt('mo.ends')}) as active_at_end,
      count(s.starts) filter (where s.starts >= mo.starts and s.starts < mo.ends) as started,
      count(s.starts) filter (where s.ends >= mo.starts and s.ends < mo.ends and not s.lapsed) as cancelled,
      count(s.starts) filter (where s.ends >= mo.starts and s.ends < mo.ends and s.lapsed) as lapsed,
      coalesce(sum(s.monthly) filter (
        where s.currency = ? and s.starts < mo.ends and (s.ends is null or s.ends >= mo.ends) and (s.uncommitted_since is null or s.uncommitted_since > mo.ends)
      ), 0)::bigint as mrr
    from months mo
    left join spans s on s.starts < mo.ends and (s.ends is null or s.ends >= mo.starts)
    group by mo.month
    order by mo.month`,
    [...spansBindings(), range.timezone, range.timezone, `${range.first}-01`, `${range.last}-01`, currency],
  );
  return result.rows;
}

/** The Stripe event that marks a membership's payment failing (webhooks/handlers/invoice.ts). */
const PAYMENT_FAILED_EVENT = 'invoice.payment_failed';

export interface RecoveryMonthRow {
  month: string;
  recovered: Figure;
}

/**
 * Memberships whose failed payment was paid after all (Stripe's retry, or
 * the member fixing their card), in the month it was paid: an invoice the
 * event ledger saw fail (`invoice.payment_failed`) that a paid donation
 * records. Failures from before the ledger began are not seen.
 */
export async function recoveriesByMonth(db: Db, range: MonthRange): Promise<RecoveryMonthRow[]> {
  const result = await db.raw(
    `with ${RANGE_SQL},
    failed as (select distinct payload #>> '{data,object,id}' as invoice_id from stripe_events where type = ?)
    select to_char(g.paid_at at time zone ?, 'YYYY-MM') as month, count(distinct g.membership_id) as recovered
    from donations g
    join failed f on f.invoice_id = g.stripe_invoice_id
    cross join range r
    where g.membership_id is not null and g.status = any(?) and g.paid_at >= r.starts and g.paid_at < r.ends
    group by 1
    order by 1`,
    [...rangeBindings(range), PAYMENT_FAILED_EVENT, range.timezone, [...DISPUTABLE_DONATION_STATUSES]],
  );
  return result.rows;
}

/** After how many months the cohort table looks. */
export const RETENTION_MONTHS = [1, 3, 6, 12] as const;

export type CohortRow = { cohort: string; members: Figure } & Record<`after_${(typeof RETENTION_MONTHS)[number]}`, Figure>;

/**
 * Memberships by the month they started, and how many of each were still
 * active 1, 3, 6 and 12 months (in the organisation's calendar) after their
 * own start. A count for a point still in the future is meaningless; the
 * page shows a cell only once every member of the cohort has reached it.
 */
export async function retentionByCohort(db: Db, range: MonthRange): Promise<CohortRow[]> {
  const after = RETENTION_MONTHS.map(
    (months) => `count(*) filter (where ${activeAt(`(((s.starts at time zone tz.zone) + interval '${months} months') at time zone tz.zone)`)}) as after_${months}`,
  ).join(',\n      ');
  const result = await db.raw(
    `with ${SPANS_SQL}, ${RANGE_SQL}, tz as (select cast(? as text) as zone)
    select to_char(s.starts at time zone tz.zone, 'YYYY-MM') as cohort, count(*) as members,
      ${after}
    from spans s
    cross join range r
    cross join tz
    where s.starts >= r.starts and s.starts < r.ends
    group by 1
    order by 1`,
    [...spansBindings(), ...rangeBindings(range), range.timezone],
  );
  return result.rows;
}
