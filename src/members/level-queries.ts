import type { Knex } from 'knex';
import type { Db } from '../db/knex';
import { KEPT_DONATION_STATUSES, netPaidSql } from '../giving/donation-status';
import { COMMITTED_MEMBERSHIP_STATUSES } from './membership-status';

const YEAR_MS = 365 * 86_400_000;

/**
 * Each donor's yearly giving for levels, as a query of
 * `(donor_id, given, committed, yearly)`: `given` is what they gave in the
 * last 12 months (one-time gifts included, refunds netted), `committed` what
 * their committed memberships bring in a year, and `yearly`, the level's
 * measure, whichever is more — so a new $10-a-month member counts at $120 from
 * the first month, not at $10. Only money in `currency` (the organisation's,
 * which levels are set in) counts. Donors with neither are absent; `donorIds`
 * narrows it to some. The one statement of the rule: the donor's account page,
 * the staff console and its filters all use it. Pages show `given` as money
 * given and `committed` as a commitment, never `yearly` as either.
 */
export function yearlyGivingQuery(db: Db, now: Date, currency: string, donorIds?: readonly string[]): Knex.QueryBuilder {
  const given = db('donations')
    .select('donor_id', db.raw(`${netPaidSql()} as given`), db.raw('0 as committed'))
    .whereNotNull('donor_id')
    .where({ currency })
    .whereIn('status', KEPT_DONATION_STATUSES)
    .where('paid_at', '>', new Date(now.getTime() - YEAR_MS));
  const committed = db('memberships')
    .select('donor_id', db.raw('0 as given'), db.raw("case when interval = 'month' then amount * 12 else amount end as committed"))
    .whereNotNull('donor_id')
    .where({ currency })
    .whereIn('status', COMMITTED_MEMBERSHIP_STATUSES);
  if (donorIds) {
    given.whereIn('donor_id', donorIds);
    committed.whereIn('donor_id', donorIds);
  }
  // One grouped union rather than a full join of two aggregates: joining
  // donors on coalesce(a.donor_id, b.donor_id) made PostgreSQL re-run the
  // aggregates once per donor (minutes at 50,000 donors).
  return db
    .select(
      'donor_id',
      db.raw('sum(given)::bigint as given'),
      db.raw('sum(committed)::bigint as committed'),
      db.raw('greatest(sum(given), sum(committed))::bigint as yearly'),
    )
    .from(given.unionAll(committed, true).as('x'))
    .groupBy('donor_id');
}

/** A donor's yearly giving in minor units: given in 12 months, committed a year, and the greater, which sets the level. */
export interface YearlyGiving {
  given: number;
  committed: number;
  yearly: number;
}

export const NO_YEARLY_GIVING: YearlyGiving = Object.freeze({ given: 0, committed: 0, yearly: 0 });

/** A row of `yearlyGivingQuery` (bigints arrive as strings) as numbers. */
export function toYearlyGiving(row: { given: number | string; committed: number | string; yearly: number | string }): YearlyGiving {
  return { given: Number(row.given), committed: Number(row.committed), yearly: Number(row.yearly) };
}

export async function yearlyGiving(db: Db, donorId: string, currency: string, now = new Date()): Promise<YearlyGiving> {
  const row = await yearlyGivingQuery(db, now, currency, [donorId]).first();
  return row ? toYearlyGiving(row) : NO_YEARLY_GIVING;
}

