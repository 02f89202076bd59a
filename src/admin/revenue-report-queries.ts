import type { Knex } from 'knex';
import type { Db } from '../db/knex';
import { DISPUTABLE_DONATION_STATUSES, KEPT_DONATION_STATUSES, netPaidSql, PAID_DONATION_STATUSES } from '../giving/donation-status';
import { LIVE_MEMBERSHIP_STATUSES } from '../members/membership-status';
import type { ReportPeriod } from './report-period';

/**
 * Revenue by story and by campaign, as the database gives it: counts and sums
 * of minor units, one aggregate query per page and one for the totals.
 * Gifts count when paid (`PAID_DONATION_STATUSES`) in the organisation's
 * currency; money is net of refunds (`netPaidSql`).
 */

/** What a report groups by: the attribution column on donations and memberships. */
export const REPORT_COLUMNS = { story: 'article_url', campaign: 'campaign' } as const;
export type ReportDimension = keyof typeof REPORT_COLUMNS;

export const REPORT_SORT_KEYS = ['label', 'donors', 'first_gifts', 'renewals', 'revenue', 'lifetime', 'members'] as const;
export type ReportSortKey = (typeof REPORT_SORT_KEYS)[number];
export type SortDirection = 'asc' | 'desc';

/** A sum of bigints is a PostgreSQL numeric, and a count a bigint: both arrive as strings. */
type Figure = number | string;

export interface ReportFigures {
  donors: Figure;
  first_gifts: Figure;
  renewals: Figure;
  revenue: Figure;
  lifetime: Figure;
  members: Figure;
}

export interface ReportRow extends ReportFigures {
  /** The article URL or the campaign. */
  key: string;
  /** Stories only: the most recent article title given with a paid gift. */
  title: string | null;
}

export interface ReportTotals extends ReportFigures {
  rows: Figure;
}

export interface ReportCriteria {
  dimension: ReportDimension;
  currency: string;
  timezone: string;
  period: ReportPeriod;
}

const ORDER: Record<ReportSortKey, string> = {
  label: 'lower(coalesce(title, key))',
  donors: 'donors',
  first_gifts: 'first_gifts',
  renewals: 'renewals',
  revenue: 'revenue',
  lifetime: 'lifetime',
  members: 'members',
};

/**
 * The period's first and last instants: midnight to midnight in the
 * organisation's zone, as `starts` and `ends` (exclusive). Exports use it too
 * (src/admin/exports/), with `periodBoundsBindings`.
 */
export const PERIOD_BOUNDS_SELECT = `select cast(? as date)::timestamp at time zone ? as starts,
         (cast(? as date) + 1)::timestamp at time zone ? as ends`;
const BOUNDS_SQL = `bounds as (
  ${PERIOD_BOUNDS_SELECT}
)`;

export function periodBoundsBindings(period: ReportPeriod, timezone: string): string[] {
  return [period.from, timezone, period.to, timezone];
}

function boundsBindings({ period, timezone }: ReportCriteria): string[] {
  return periodBoundsBindings(period, timezone);
}

/**
 * Each membership's first payment, so any later one is a renewal. A first
 * payment later disputed still came first, so disputed payments count here.
 * Found once per membership rather than per gift: one pass over the gifts.
 */
const FIRSTS_SQL = `firsts as (
    select distinct on (membership_id) membership_id, id
    from donations
    where membership_id is not null and status = any(?)
    order by membership_id, paid_at, id
  )`;

/**
 * The common part of both queries: every paid gift attributed to a row (all
 * time, for lifetime revenue), whether it falls in the period and whether it
 * is a renewal; and each row's live memberships. A membership's first payment
 * is found once per membership (`firsts`) rather than per gift, which keeps
 * a 20,000-story report to one pass over the gifts.
 */
function reportCtes(criteria: ReportCriteria): { sql: string; bindings: Knex.Value[] } {
  const column = REPORT_COLUMNS[criteria.dimension];
  const sql = `with ${BOUNDS_SQL},
  ${FIRSTS_SQL},
  gifts as (
    select g.${column} as key, g.article_title, g.paid_at, g.donor_id, ${netPaidSql('g')} as net,
      g.paid_at >= b.starts and g.paid_at < b.ends as in_period,
      g.status = any(?) as kept,
      coalesce(f.id <> g.id, false) as renewal
    from donations g
    cross join bounds b
    left join firsts f on f.membership_id = g.membership_id
    where g.status = any(?) and g.currency = ? and g.${column} is not null
  ),
  live as (
    select m.${column} as key, count(*) as members
    from memberships m
    where m.status = any(?) and m.${column} is not null
    group by 1
  )`;
  return {
    sql,
    bindings: [
      ...boundsBindings(criteria),
      [...DISPUTABLE_DONATION_STATUSES],
      [...KEPT_DONATION_STATUSES],
      [...PAID_DONATION_STATUSES],
      criteria.currency,
      [...LIVE_MEMBERSHIP_STATUSES],
    ],
  };
}

/**
 * Gifts, donors, first gifts and renewals count what was kept (a gift refunded
 * in full gave nothing: giving/CONTEXT.md); revenue is every paid gift net of
 * its refunds, so a partial refund lowers it and a full one cancels out.
 */
const FIGURES_SQL = `count(distinct donor_id) filter (where in_period and kept) as donors,
      count(*) filter (where in_period and kept and not renewal) as first_gifts,
      count(*) filter (where in_period and kept and renewal) as renewals,
      coalesce(sum(net) filter (where in_period), 0) as revenue,
      coalesce(sum(net), 0) as lifetime`;

/**
 * One page of rows: each article URL or campaign with a paid gift ever or a
 * live membership, sorted by one figure then by key, so pages never overlap.
 */
export async function revenueReportRows(
  db: Db,
  criteria: ReportCriteria & { sort: ReportSortKey; dir: SortDirection; limit: number; offset: number },
): Promise<ReportRow[]> {
  const { sql, bindings } = reportCtes(criteria);
  // The newest headline from a gift the story itself won: a renewal repeats
  // the title from the month the member joined.
  const title =
    criteria.dimension === 'story' ? '(array_agg(article_title order by renewal, paid_at desc) filter (where article_title is not null))[1]' : 'null::text';
  const direction = criteria.dir === 'asc' ? 'asc' : 'desc';
  const result = await db.raw(
    `${sql},
    grouped as (select key, ${title} as title, ${FIGURES_SQL} from gifts group by key)
    select * from (
      select coalesce(g.key, l.key) as key, g.title,
        coalesce(g.donors, 0) as donors, coalesce(g.first_gifts, 0) as first_gifts, coalesce(g.renewals, 0) as renewals,
        coalesce(g.revenue, 0) as revenue, coalesce(g.lifetime, 0) as lifetime, coalesce(l.members, 0) as members
      from grouped g
      full join live l on l.key = g.key
    ) r
    order by ${ORDER[criteria.sort]} ${direction}, key asc
    limit ? offset ?`,
    [...bindings, criteria.limit, criteria.offset],
  );
  return result.rows;
}

/** The totals row: donors counted once however many rows they gave to, and how many rows there are. */
export async function revenueReportTotals(db: Db, criteria: ReportCriteria): Promise<ReportTotals> {
  const { sql, bindings } = reportCtes(criteria);
  const result = await db.raw(
    `${sql}
    select ${FIGURES_SQL},
      (select coalesce(sum(members), 0) from live) as members,
      (select count(*) from (select key from gifts union select key from live) k) as rows
    from gifts`,
    bindings,
  );
  return result.rows[0];
}

export interface ReportGiftRow {
  id: string;
  donor_id: string;
  name: string | null;
  email: string;
  paid_at: Date;
  net: Figure;
  amount_paid: Figure;
  currency: string;
  status: string;
  membership_id: string | null;
  renewal: boolean;
  /** How many gifts match in all (the same on every row). */
  total: Figure;
}

/** One page of the paid gifts behind a row in the period, newest first. */
export async function revenueReportGifts(
  db: Db,
  criteria: ReportCriteria & { key: string; limit: number; offset: number },
): Promise<ReportGiftRow[]> {
  const column = REPORT_COLUMNS[criteria.dimension];
  const result = await db.raw(
    `with ${BOUNDS_SQL}, ${FIRSTS_SQL}
    select g.id, g.donor_id, d.name, d.email, g.paid_at, ${netPaidSql('g')} as net, coalesce(g.amount_paid, g.amount) as amount_paid,
      g.currency, g.status, g.membership_id,
      coalesce(f.id <> g.id, false) as renewal,
      count(*) over () as total
    from donations g
    join donors d on d.id = g.donor_id
    cross join bounds b
    left join firsts f on f.membership_id = g.membership_id
    where g.status = any(?) and g.currency = ? and g.${column} = ? and g.paid_at >= b.starts and g.paid_at < b.ends
    order by g.paid_at desc, g.id desc
    limit ? offset ?`,
    [
      ...boundsBindings(criteria),
      [...DISPUTABLE_DONATION_STATUSES],
      [...PAID_DONATION_STATUSES],
      criteria.currency,
      criteria.key,
      criteria.limit,
      criteria.offset,
    ],
  );
  return result.rows;
}
