import type { Knex } from 'knex';
import type { Db } from '../db/knex';
import { KEPT_DONATION_STATUSES, netPaidSql } from '../giving/donation-status';
import type { ReportPeriod } from './report-period';

/**
 * Where the money came from in a period, by one attribution column at a
 * time: kept gifts in the organisation's currency, net of refunds. A
 * membership's renewals carry its first gift's attribution
 * (giving/CONTEXT.md), so a story keeps the members it won.
 */
export const SOURCE_COLUMNS = { story: 'article_url', campaign: 'campaign', utm_source: 'utm_source', utm_campaign: 'utm_campaign' } as const;
export type SourceDimension = keyof typeof SOURCE_COLUMNS;
export const SOURCE_DIMENSIONS = Object.keys(SOURCE_COLUMNS) as SourceDimension[];

export interface SourceCriteria {
  dimension: SourceDimension;
  currency: string;
  timezone: string;
  period: ReportPeriod;
}

/** A sum of bigints is a PostgreSQL numeric, and a count a bigint: both arrive as strings. */
type Figure = number | string;

export interface SourceRow {
  key: string;
  /** Stories only: the newest headline given with a gift. */
  title: string | null;
  gifts: Figure;
  donors: Figure;
  revenue: Figure;
}

export interface SourceTotals {
  rows: Figure;
  /** Gifts with a value in the column, and all gifts in the period. */
  gifts: Figure;
  donors: Figure;
  revenue: Figure;
  all_gifts: Figure;
  all_donors: Figure;
  all_revenue: Figure;
}

function gifts(criteria: SourceCriteria): { sql: string; bindings: Knex.Value[] } {
  const column = SOURCE_COLUMNS[criteria.dimension];
  return {
    sql: `gifts as (
      select g.${column} as key, g.article_title, g.paid_at, g.donor_id, ${netPaidSql('g')} as net
      from donations g
      cross join (
        select cast(? as date)::timestamp at time zone ? as starts, (cast(? as date) + 1)::timestamp at time zone ? as ends
      ) b
      where g.status = any(?) and g.currency = ? and g.paid_at >= b.starts and g.paid_at < b.ends
    )`,
    bindings: [criteria.period.from, criteria.timezone, criteria.period.to, criteria.timezone, [...KEPT_DONATION_STATUSES], criteria.currency],
  };
}

/** The sources that raised most, largest first (then by key, so the order is stable); `limit` null for all. */
export async function topSourceRows(db: Db, criteria: SourceCriteria, limit: number | null): Promise<SourceRow[]> {
  const { sql, bindings } = gifts(criteria);
  const title = criteria.dimension === 'story' ? '(array_agg(article_title order by paid_at desc) filter (where article_title is not null))[1]' : 'null::text';
  const result = await db.raw(
    `with ${sql}
    select key, ${title} as title, count(*) as gifts, count(distinct donor_id) as donors, coalesce(sum(net), 0) as revenue
    from gifts
    where key is not null
    group by key
    order by revenue desc, key asc
    ${limit === null ? '' : 'limit ?'}`,
    limit === null ? bindings : [...bindings, limit],
  );
  return result.rows;
}

/** Totals for the gifts with a source in this column, and for every gift in the period (donors counted once). */
export async function sourceTotals(db: Db, criteria: SourceCriteria): Promise<SourceTotals> {
  const { sql, bindings } = gifts(criteria);
  const result = await db.raw(
    `with ${sql}
    select count(distinct key) as rows,
      count(*) filter (where key is not null) as gifts,
      count(distinct donor_id) filter (where key is not null) as donors,
      coalesce(sum(net) filter (where key is not null), 0) as revenue,
      count(*) as all_gifts, count(distinct donor_id) as all_donors, coalesce(sum(net), 0) as all_revenue
    from gifts`,
    bindings,
  );
  return result.rows[0];
}
