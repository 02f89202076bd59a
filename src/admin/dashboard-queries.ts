import type { Db } from '../db/knex';
import { KEPT_DONATION_STATUSES, netPaidSql } from '../giving/donation-status';
import type { Level } from '../members/levels';
import { countDonors } from '../donors/donor-queries';
import { keptGivingBetween, type KeptGivingRow } from '../giving/giving-hours-queries';
import { yearlyGivingRows } from '../members/level-queries';
import {
  ARREARS_MEMBERSHIP_STATUSES,
  COMMITTED_MEMBERSHIP_STATUSES,
  LIVE_MEMBERSHIP_STATUSES,
  PAYING_MEMBERSHIP_STATUSES,
  STARTED_MEMBERSHIP_STATUSES,
} from '../members/membership-status';

/** The dashboard's figures as the database gives them: counts and sums of minor units, unformatted. */

/** A sum of bigints is a PostgreSQL numeric, which arrives as a string. */
type Sum = number | string;

export interface GivingWindowRow {
  raised: Sum;
  raised_before: Sum;
  one_time: Sum;
  gifts: number;
  donors: number;
  new_donors: number;
}

/**
 * Kept gifts in `currency` over (since, now] and the window before it,
 * (before, since]. A gift in another currency is listed, not added. Money and
 * gift counts come from the hourly sums, donors from each donor's first and
 * last gift in the currency (`donor_currency_totals`): a few index reads
 * instead of every gift of two months.
 */
export async function givingInWindows(db: Db, currency: string, window: { before: Date; since: Date; now: Date }): Promise<GivingWindowRow> {
  const { before, since, now } = window;
  const [current, previous, donors] = await Promise.all([
    keptGivingBetween(db, currency, since, now),
    keptGivingBetween(db, currency, before, since),
    donorsGivingBetween(db, currency, since, now),
  ]);
  const total = (rows: KeptGivingRow[], pick: (r: KeptGivingRow) => Sum) => rows.reduce((sum, r) => sum + Number(pick(r)), 0);
  return {
    raised: total(current, (r) => r.given),
    raised_before: total(previous, (r) => r.given),
    one_time: total(
      current.filter((r) => r.frequency === 'once'),
      (r) => r.given,
    ),
    gifts: total(current, (r) => r.gifts),
    ...donors,
  };
}

/**
 * Donors with a kept gift in `currency` paid in (since, now], and how many of
 * them are new: their first gift ever (any currency) falls in it too. A donor
 * whose last gift is after `now` (a clock ahead) is checked against the gifts.
 */
async function donorsGivingBetween(db: Db, currency: string, since: Date, now: Date): Promise<{ donors: number; new_donors: number }> {
  const kept = () => db('donor_currency_totals as c').where('c.currency', currency);
  const gaveInWindow = db('donations as g')
    .select(db.raw('1'))
    .whereRaw('g.donor_id = c.donor_id')
    .where('g.currency', currency)
    .whereIn('g.status', KEPT_DONATION_STATUSES)
    .where('g.paid_at', '>', since)
    .where('g.paid_at', '<=', now);
  const counted = (query: ReturnType<typeof kept>) => query.count({ n: '*' }).first().then((row) => Number(row?.n ?? 0));
  const [lastInWindow, lastAfterNow, fresh] = await Promise.all([
    // Two ranges of one index, counted from the index alone.
    counted(kept().where('c.last_gift_at', '>', since).where('c.last_gift_at', '<=', now)),
    counted(kept().where('c.last_gift_at', '>', now).whereExists(gaveInWindow)),
    counted(
      kept()
        .join('donor_totals as t', 't.donor_id', 'c.donor_id')
        .where('c.first_gift_at', '>', since)
        .where('c.first_gift_at', '<=', now)
        .where('t.first_gift_at', '>', since),
    ),
  ]);
  return { donors: lastInWindow + lastAfterNow, new_donors: fresh };
}

export interface MembershipCountsRow {
  active: number;
  past_due: number;
  canceling: number;
  mrr: Sum;
  started: number;
  ended: number;
}

export async function membershipCounts(db: Db, currency: string, since: Date): Promise<MembershipCountsRow | undefined> {
  const paying = [...PAYING_MEMBERSHIP_STATUSES];
  const arrears = [...ARREARS_MEMBERSHIP_STATUSES];
  const committed = [...COMMITTED_MEMBERSHIP_STATUSES];
  const [row] = await db('memberships').select(
    db.raw('count(*) filter (where status = any(?)) as active', [paying]),
    db.raw('count(*) filter (where status = any(?)) as past_due', [arrears]),
    // Cancelling as the glossary and the donors list's filter define it: live, set to end.
    db.raw('count(*) filter (where status = any(?) and cancel_at_period_end) as canceling', [[...LIVE_MEMBERSHIP_STATUSES]]),
    // Monthly recurring revenue: what committed memberships bring in a month, yearly ones spread over twelve.
    db.raw("coalesce(sum(case when interval = 'month' then amount else amount / 12.0 end) filter (where status = any(?) and currency = ?), 0)::bigint as mrr", [
      committed,
      currency,
    ]),
    db.raw('count(*) filter (where status = any(?) and created_at > ?) as started', [[...STARTED_MEMBERSHIP_STATUSES], since]),
    db.raw('count(*) filter (where ended_at > ?) as ended', [since]),
  );
  return row;
}

export interface ArrearsRow {
  donor_id: string;
  name: string | null;
  email: string;
  amount: number;
  currency: string;
  interval: string;
  status_at: Date | null;
}

/** Memberships in arrears, the latest to fall behind first. */
export function membershipsInArrears(db: Db, limit: number): Promise<ArrearsRow[]> {
  return db('memberships as m')
    .join('donors as d', 'd.id', 'm.donor_id')
    .whereIn('m.status', ARREARS_MEMBERSHIP_STATUSES)
    // When the payment failed (payment_failed_at), not when the status was last restated (status_at);
    // memberships from before that column fall back to status_at.
    .orderByRaw('coalesce(m.payment_failed_at, m.status_at) desc nulls last')
    .limit(limit)
    .select('m.donor_id', 'd.name', 'd.email', 'm.amount', 'm.currency', 'm.interval', db.raw('coalesce(m.payment_failed_at, m.status_at) as status_at'));
}

export interface RecentGiftRow {
  donor_id: string;
  name: string | null;
  email: string;
  paid_at: Date;
  amount: Sum;
  currency: string;
  frequency: string;
  article_title: string | null;
  campaign: string | null;
}

/** The latest kept gifts in any currency, each at its net amount. */
export function recentGifts(db: Db, limit: number): Promise<RecentGiftRow[]> {
  return db('donations as g')
    .join('donors as d', 'd.id', 'g.donor_id')
    .whereIn('g.status', KEPT_DONATION_STATUSES)
    .whereNotNull('g.paid_at')
    .orderBy('g.paid_at', 'desc')
    .limit(limit)
    .select('g.donor_id', 'd.name', 'd.email', 'g.paid_at', db.raw(`${netPaidSql('g')} as amount`), 'g.currency', 'g.frequency', 'g.article_title', 'g.campaign');
}

export interface SourceRow {
  source: string;
  gifts: number;
  raised: Sum;
}

/** A gift's source: its article, else its campaign, else its UTM source and campaign together ("newsletter / june"). */
const SOURCE_SQL = "coalesce(article_title, article_url, campaign, nullif(concat_ws(' / ', utm_source, utm_campaign), ''))";

/** The articles, campaigns and UTM tags that raised most since `since`, in `currency`. */
export function topSources(db: Db, currency: string, since: Date, limit: number): Promise<SourceRow[]> {
  return db('donations')
    .where({ currency })
    .whereIn('status', KEPT_DONATION_STATUSES)
    .where('paid_at', '>', since)
    .whereRaw(`${SOURCE_SQL} is not null`)
    .groupByRaw('1')
    .orderBy([{ column: 'raised', order: 'desc' }])
    .limit(limit)
    .select(db.raw(`${SOURCE_SQL} as source`), db.raw('count(*) as gifts'), db.raw(`sum(${netPaidSql()}) as raised`));
}

export interface LevelCountRow {
  level: number;
  donors: number;
  yearly: Sum;
}

/**
 * Every donor counted at the index of their level (those who gave nothing in
 * 12 months at the first), the way the donors list filters by level: each
 * level's donors giving something counted from its range of the yearly index,
 * the rest by difference from the number of donors.
 */
export async function donorsAtEachLevel(db: Db, levels: readonly Level[], currency: string): Promise<LevelCountRow[]> {
  const ranges = levels.map((level, index) => {
    const range = yearlyGivingRows(db, currency)
      .where('y.yearly', index === 0 ? '>' : '>=', index === 0 ? 0 : level.min_yearly)
      .select(db.raw(`${index} as level`), db.raw('count(*) as donors'), db.raw('coalesce(sum(y.yearly), 0) as yearly'));
    const next = levels[index + 1];
    return next ? range.where('y.yearly', '<', next.min_yearly) : range;
  });
  const [first, ...rest] = ranges;
  const [giving, everyone]: [LevelCountRow[], number] = await Promise.all([first!.unionAll(rest, true), countDonors(db)]);
  const rows = giving.map((r) => ({ level: Number(r.level), donors: Number(r.donors), yearly: r.yearly }));
  const givingNothing = everyone - rows.reduce((sum, r) => sum + r.donors, 0);
  return rows.map((r) => (r.level === 0 ? { ...r, donors: r.donors + givingNothing } : r));
}
