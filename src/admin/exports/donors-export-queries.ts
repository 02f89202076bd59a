import type { Knex } from 'knex';
import type { Db } from '../../db/knex';
import { neutraliseFormula } from '../../lib/csv';
import { KEPT_DONATION_STATUSES, netPaidSql, PAID_DONATION_STATUSES } from '../../giving/donation-status';
import type { Level } from '../../members/levels';
import { yearlyGivingRows } from '../../members/level-queries';
import { LIVE_MEMBERSHIP_STATUSES, STARTED_MEMBERSHIP_STATUSES } from '../../members/membership-status';
import { applyDonorFilters, type MembershipFilter } from '../donor-search-queries';
import type { ReportPeriod } from '../report-period';
import { PERIOD_BOUNDS_SELECT, periodBoundsBindings } from '../revenue-report-queries';
import { addressColumns, dateColumn, moneyColumn, textColumn, yesNoColumn } from './export-sql';

/**
 * donors.csv: one row per donor matching the donors list's filters, with
 * their giving: first and last gift, lifetime (as the list shows it, from
 * `donor_totals`), the period's total and count, their level and their
 * membership. `who: 'gave'` keeps the donors with a gift in the period.
 * Gifts count when kept (giving/CONTEXT.md), money in the organisation's
 * currency.
 */
export interface DonorsExportCriteria {
  period: ReportPeriod;
  timezone: string;
  currency: string;
  levels: readonly Level[];
  q: string;
  yearlyRange: { min: number; below: number | null } | null;
  membership: MembershipFilter;
  who: 'gave' | 'all';
  now: Date;
}

/** Each donor's first (`order` asc) or latest (desc) kept gift. */
function giftAtEdge(db: Db, currency: string, order: 'asc' | 'desc'): Knex.QueryBuilder {
  return db('donations')
    .distinctOn('donor_id')
    .whereNotNull('donor_id')
    .where({ currency })
    .whereIn('status', KEPT_DONATION_STATUSES)
    .orderBy([{ column: 'donor_id' }, { column: 'paid_at', order }, { column: 'id', order }])
    .select('donor_id', 'paid_at', db.raw(`${netPaidSql()} as amount`), 'article_url', 'article_title', 'campaign');
}

/** The level reached by yearly giving `y.yearly`, as the donors list names it (members/levels.ts levelFor). */
function levelSql(levels: readonly Level[]): { sql: string; bindings: Knex.Value[] } {
  const reached = [...levels].reverse();
  return {
    sql: `case ${reached.map(() => 'when coalesce(y.yearly, 0) >= ? then ?').join(' ')} else ? end`,
    // Level names are the organisation's own words, but a cell is a cell: neutralised like any text.
    bindings: [...reached.flatMap((level) => [level.min_yearly, neutraliseFormula(level.name)]), neutraliseFormula(levels[0]?.name ?? '')],
  };
}

export function donorsExportQuery(db: Db, criteria: DonorsExportCriteria): Knex.QueryBuilder {
  const { timezone, currency } = criteria;
  const inPeriod = db('donations as g')
    .crossJoin(db.raw('bounds as b'))
    .whereNotNull('g.donor_id')
    .where('g.currency', currency)
    .whereIn('g.status', KEPT_DONATION_STATUSES)
    .whereRaw('g.paid_at >= b.starts and g.paid_at < b.ends')
    .groupBy('g.donor_id')
    .select('g.donor_id', db.raw(`sum(${netPaidSql('g')}) as total`), db.raw('count(*) as gifts'));
  // The membership that says most about the donor now: a live one, else the latest (admin/membership-labels.ts).
  const membership = db('memberships')
    .distinctOn('donor_id')
    .whereNotNull('donor_id')
    .whereIn('status', STARTED_MEMBERSHIP_STATUSES)
    .orderByRaw('donor_id, (status = any(?)) desc, created_at desc, id', [[...LIVE_MEMBERSHIP_STATUSES]])
    .select('donor_id', 'status', 'amount', 'currency', 'interval');
  const level = levelSql(criteria.levels);

  const query = db
    .with('bounds', db.raw(PERIOD_BOUNDS_SELECT, periodBoundsBindings(criteria.period, timezone)))
    .with('first_gifts', giftAtEdge(db, currency, 'asc'))
    .with('last_gifts', giftAtEdge(db, currency, 'desc'))
    .with('in_period', inPeriod)
    .with('current_membership', membership)
    .from('donors as d')
    .leftJoin('donor_totals as t', 't.donor_id', 'd.id')
    .leftJoin(yearlyGivingRows(db, currency).as('y'), 'y.donor_id', 'd.id')
    .leftJoin('first_gifts as f', 'f.donor_id', 'd.id')
    .leftJoin('last_gifts as l', 'l.donor_id', 'd.id')
    .leftJoin('in_period as p', 'p.donor_id', 'd.id')
    .leftJoin('current_membership as m', 'm.donor_id', 'd.id')
    .orderByRaw('lower(coalesce(d.name, d.email)), d.id')
    .select(
      'd.id as donor_id',
      textColumn(db, 'd.name', 'name'),
      textColumn(db, 'd.email', 'email'),
      ...addressColumns(db, 'd.address'),
      // Anonymous: asked on any gift that arrived not to be named publicly.
      yesNoColumn(db, 'exists (select 1 from donations a where a.donor_id = d.id and a.anonymous and a.status = any(?))', 'anonymous', [
        [...PAID_DONATION_STATUSES],
      ]),
      db.raw('? as currency', [currency.toUpperCase()]),
      dateColumn(db, 'f.paid_at', timezone, 'first_gift_date'),
      moneyColumn(db, 'f.amount', 'first_gift_amount'),
      dateColumn(db, 'l.paid_at', timezone, 'last_gift_date'),
      moneyColumn(db, 'l.amount', 'last_gift_amount'),
      moneyColumn(db, 'coalesce(t.lifetime, 0)', 'lifetime_total'),
      moneyColumn(db, 'coalesce(p.total, 0)', 'period_total'),
      db.raw('coalesce(p.gifts, 0) as period_gifts'),
      db.raw(`${level.sql} as level`, level.bindings),
      'm.status as membership_status',
      db.raw('upper(m.currency) as membership_currency'),
      moneyColumn(db, 'm.amount', 'membership_amount'),
      'm.interval as membership_interval',
      textColumn(db, 'f.article_url', 'first_gift_article_url'),
      textColumn(db, 'f.article_title', 'first_gift_article_title'),
      textColumn(db, 'f.campaign', 'first_gift_campaign'),
    );
  applyDonorFilters(db, query, criteria);
  if (criteria.who === 'gave') query.whereNotNull('p.donor_id');
  return query;
}
