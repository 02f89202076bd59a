import type { Knex } from 'knex';
import type { Db } from '../db/knex';
import { KEPT_DONATION_STATUSES, netPaidSql } from '../giving/donation-status';
import { COMMITTED_MEMBERSHIP_STATUSES } from './membership-status';

/**
 * Yearly giving, the figure levels are set in. The rule: what a donor gave in
 * the last 365 days (one-time gifts included, refunds netted), or what their
 * committed memberships commit them to in a year, whichever is more — so a new
 * $10-a-month member counts at $120 from the first month, not at $10. Only
 * money in the organisation's currency (which levels are set in) counts.
 *
 * `yearlyGivingFromGifts` states the rule over donations and memberships.
 * Adding that up for every donor on every page took most of a second at
 * 200,000 donors, so the database keeps it per donor and currency in
 * `donor_currency_totals` (migrations/20261201000000_donor_currency_totals.ts):
 * recomputed from the donor's rows in the transaction of every change to them,
 * and by the yearly-giving job once a gift has left the 365 days (so a gift
 * turning 365 days old stops counting at the job's next hourly run, not to the
 * second). Every reader — the donor's account page, the staff console, its
 * filters and sorts — reads that one source through this file; a test holds
 * it equal to the rule (tests/integration/db/donor-rollups.property.test.ts).
 */

const YEAR_MS = 365 * 86_400_000;

/**
 * Each donor's yearly giving in `currency` at `now`, computed from their gifts
 * and memberships, as `(donor_id, given, committed, yearly)`: `given` is what
 * they gave in the last 365 days (one-time gifts included, refunds netted),
 * `committed` what their committed memberships bring in a year, and `yearly`,
 * the level's measure, whichever is more. Donors with neither are absent;
 * `donorIds` narrows it to some. The definition the kept rows must equal.
 */
export function yearlyGivingFromGifts(db: Db, now: Date, currency: string, donorIds?: readonly string[]): Knex.QueryBuilder {
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

/**
 * A donor's yearly giving in minor units: given in 12 months (365 days),
 * committed a year, and the greater, which sets the level. Pages show `given`
 * as money given and `committed` as a commitment, never `yearly` as either.
 */
export interface YearlyGiving {
  given: number;
  committed: number;
  yearly: number;
}

export const NO_YEARLY_GIVING: YearlyGiving = Object.freeze({ given: 0, committed: 0, yearly: 0 });

/** A row of `yearlyGivingRows` or `yearlyGivingFromGifts` (bigints arrive as strings) as numbers. */
export function toYearlyGiving(row: { given: number | string; committed: number | string; yearly: number | string }): YearlyGiving {
  return { given: Number(row.given), committed: Number(row.committed), yearly: Number(row.yearly) };
}

/**
 * The kept figures in `currency`, one row (`donor_id`, `given`, `committed`,
 * `yearly`, ...) for every donor with a kept gift or a committed membership in
 * it (`yearly` may be 0); others give nothing. Aliased `as` for joining;
 * `(currency, yearly)` is indexed, so a sort or a range on `yearly` reads the index.
 */
export function yearlyGivingRows(db: Db, currency: string, as = 'y'): Knex.QueryBuilder {
  return db({ [as]: 'donor_currency_totals' }).where(`${as}.currency`, currency);
}

/** A donor's kept yearly giving in `currency` (`NO_YEARLY_GIVING` when they give nothing in it). */
export async function yearlyGiving(db: Db, donorId: string, currency: string): Promise<YearlyGiving> {
  const row = await yearlyGivingRows(db, currency).where('y.donor_id', donorId).first('y.given', 'y.committed', 'y.yearly');
  return row ? toYearlyGiving(row) : NO_YEARLY_GIVING;
}

/** Each donor's kept yearly giving in `currency`; donors who give nothing are absent. */
export async function yearlyGivingOfDonors(db: Db, donorIds: readonly string[], currency: string): Promise<Map<string, YearlyGiving>> {
  if (donorIds.length === 0) return new Map();
  const rows: ({ donor_id: string } & Parameters<typeof toYearlyGiving>[0])[] = await yearlyGivingRows(db, currency)
    .whereIn('y.donor_id', donorIds)
    .select('y.donor_id', 'y.given', 'y.committed', 'y.yearly');
  return new Map(rows.map((r) => [r.donor_id, toYearlyGiving(r)]));
}

/**
 * Recomputes, as of `at`, the kept figures of up to `limit` donors with a
 * gift that has left the 365 days since they were computed; returns how many.
 * One statement, so a webhook for one of them waits for a batch at most.
 */
export async function refreshYearlyGivingDue(db: Db, at: Date, limit: number): Promise<number> {
  const due = db('donor_currency_totals').distinct('donor_id').where('given_changes_at', '<=', at).orderBy('donor_id').limit(limit);
  // The triggers' own function, one statement: one definition of the kept figures, one transaction per batch.
  const { rows } = await db.raw('select refresh_donor_totals(donor_id, ?) from (?) as due', [at, due]);
  return rows.length;
}
