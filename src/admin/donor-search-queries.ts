import type { Knex } from 'knex';
import type { Db } from '../db/knex';
import { countDonors as countAllDonors } from '../donors/donor-queries';
import { yearlyGivingOfDonors, yearlyGivingRows, type YearlyGiving } from '../members/level-queries';
import { STARTED_MEMBERSHIP_STATUSES } from '../members/membership-status';
import { whereMembership, type MembershipFilter } from './donor-filter-queries';
import type { MembershipSummaryRow } from './membership-labels';

/** The staff donors list: donors matching a search, a page at a time. */

export type { MembershipFilter };
export type DonorSort = 'recent' | 'yearly' | 'name';

export interface DonorSearchCriteria {
  /** Part of an email or a name, or a Stripe customer id (`cus_...`); '' for every donor. */
  q: string;
  /** Yearly giving in [min, below), when the search is by level. */
  yearlyRange: { min: number; below: number | null } | null;
  membership: MembershipFilter;
  sort: DonorSort;
  limit: number;
  offset: number;
  currency: string;
  /** When the search is made. Yearly giving is read as the database keeps it (members/level-queries.ts), which does not take it. */
  now: Date;
}

export interface DonorHit {
  id: string;
  email: string;
  name: string | null;
  /** Only when the search filters or sorts by yearly giving. */
  yearly?: number | string | null;
  lifetime: number | string | null;
  last_gift_at: Date | null;
  gifts: number | null;
}

type Query = Knex.QueryBuilder;

function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Name or email containing `q` (trigram indexes serve it, migrations/20261201000200), or the Stripe customer id. */
function whereText(query: Query, q: string): void {
  if (!q) return;
  const pattern = likePattern(q);
  query.where((w) => {
    w.whereRaw("d.email ilike ? escape '\\'", [pattern]).orWhereRaw("d.name ilike ? escape '\\'", [pattern]);
    if (/^cus_\w+$/.test(q)) w.orWhere('d.stripe_customer_id', q);
  });
}

/** Donors (`d`) matching the text and membership filters: what every part of a search has in common. */
function filtered(db: Db, search: DonorSearchCriteria, query: Query): Query {
  whereText(query, search.q);
  whereMembership(db, query, search.membership);
  return query;
}

/** Whether donor `t.donor_id` has yearly giving at or above `min`: the index on (currency, yearly) answers it. */
function givingAtLeast(db: Db, currency: string, min: number) {
  return function yearlyAtLeast(this: Query) {
    this.select(db.raw('1')).from(yearlyGivingRows(db, currency, 'k').as('k')).whereRaw('k.donor_id = t.donor_id').where('k.yearly', '>=', min);
  };
}

/**
 * One page of matching donors and the count of all of them. Each query walks
 * an index in the order it lists (every donor has a `donor_totals` row, yearly
 * giving is kept in `donor_currency_totals`) and stops after the page, and the
 * count is a query of its own: `count(*) over ()` made PostgreSQL read, sort
 * and spill every matching donor for a page of 50. docs/PERFORMANCE.md has the
 * figures at 200,000 donors.
 */
export async function searchDonorRows(db: Db, search: DonorSearchCriteria): Promise<{ hits: DonorHit[]; total: number }> {
  const [hits, total] = await Promise.all([pageOfDonors(db, search), countDonors(db, search)]);
  return { hits, total };
}

/**
/**
 * The donors list's filters, on a query of `donors as d` with the kept yearly
 * giving left-joined as `y` (`yearlyGivingRows`) when `yearlyRange` is set:
 * the same text, membership and level filters as the list, for the donors
 * export (src/admin/exports/), which reads every matching donor anyway.
 */
export function applyDonorFilters(db: Db, query: Query, filters: Pick<DonorSearchCriteria, 'q' | 'yearlyRange' | 'membership'>): void {
  whereText(query, filters.q);
  if (filters.yearlyRange) {
    query.whereRaw('coalesce(y.yearly, 0) >= ?', [filters.yearlyRange.min]);
    if (filters.yearlyRange.below !== null) query.whereRaw('coalesce(y.yearly, 0) < ?', [filters.yearlyRange.below]);
  }
  whereMembership(db, query, filters.membership);
}

/**
 * Donors listed with their totals (`t`), and yearly giving (`y`) when the
 * search is by level: those at a level above the first are those with a kept
 * row in its range; the first level is every donor with none above it.
 */
function listed(db: Db, search: DonorSearchCriteria, { positive }: { positive: boolean }): Query {
  const query = filtered(db, search, db('donor_totals as t').join('donors as d', 'd.id', 't.donor_id'));
  const range = search.yearlyRange;
  // `positive`: only donors giving something, a minor unit or more.
  const min = Math.max(range?.min ?? 0, positive ? 1 : 0);
  if (min > 0) {
    query.join(yearlyGivingRows(db, search.currency).as('y'), 'y.donor_id', 't.donor_id').where('y.yearly', '>=', min).select('y.yearly');
  } else if (range || search.sort === 'yearly') {
    query.select(yearlyGivingRows(db, search.currency).whereRaw('y.donor_id = t.donor_id').select('y.yearly').as('yearly'));
  }
  if (range && range.below !== null) {
    if (min > 0) query.where('y.yearly', '<', range.below);
    else query.whereNotExists(givingAtLeast(db, search.currency, range.below));
  }
  return query.select('d.id', 'd.email', 'd.name', 't.lifetime', 't.last_gift_at', 't.gifts');
}

async function pageOfDonors(db: Db, search: DonorSearchCriteria): Promise<DonorHit[]> {
  if (search.sort === 'name') return listed(db, search, { positive: false }).orderByRaw('lower(coalesce(d.name, d.email)), d.id').limit(search.limit).offset(search.offset);
  if (search.sort === 'recent') {
    return listed(db, search, { positive: false }).orderByRaw('t.last_gift_at desc nulls last, d.created_at desc, d.id').limit(search.limit).offset(search.offset);
  }
  // By yearly giving: those giving something, largest first (read down the yearly index), then those giving
  // nothing by their last gift. Sorting both together would read every donor for one page.
  const giving: DonorHit[] = await listed(db, search, { positive: true })
    .orderByRaw('y.yearly desc, t.last_gift_at desc nulls last, d.id')
    .limit(search.limit)
    .offset(search.offset);
  if (giving.length === search.limit || (search.yearlyRange?.min ?? 0) > 0) return giving;
  const givingCount =
    giving.length > 0 || search.offset === 0 ? search.offset + giving.length : await countGiving(db, search, 1, search.yearlyRange?.below ?? null);
  const nothing: DonorHit[] = await listed(db, search, { positive: false })
    .whereNotExists(givingAtLeast(db, search.currency, 1))
    .orderByRaw('t.last_gift_at desc nulls last, d.id')
    .limit(search.limit - giving.length)
    .offset(Math.max(0, search.offset - givingCount));
  return [...giving, ...nothing];
}

async function count(query: Query): Promise<number> {
  const row = await query.count({ n: '*' }).first();
  return Number(row?.n ?? 0);
}

/** Matching donors with yearly giving in [min, below): kept rows in a range of the yearly index, joined to donors only to filter them. */
function countGiving(db: Db, search: DonorSearchCriteria, min: number, below: number | null): Promise<number> {
  const rows = yearlyGivingRows(db, search.currency).where('y.yearly', '>=', min);
  if (below !== null) rows.where('y.yearly', '<', below);
  return count(search.q || search.membership ? filtered(db, search, rows.join('donors as d', 'd.id', 'y.donor_id')) : rows);
}

/**
 * How many donors match. Without a level, every donor (kept count) or those
 * the text and membership filters keep; at a level above the first, the kept
 * rows in its range; at the first, all of them less those above it.
 */
async function countDonors(db: Db, search: DonorSearchCriteria): Promise<number> {
  const range = search.yearlyRange;
  const donors = () => (search.q || search.membership ? count(filtered(db, search, db('donors as d'))) : countAllDonors(db));
  if (range && range.min > 0) return countGiving(db, search, range.min, range.below);
  if (!range || range.below === null) return donors();
  const [all, above] = await Promise.all([donors(), countGiving(db, search, range.below, null)]);
  return all - above;
}

/** Each donor's kept yearly giving in `currency` (given, committed, the level's measure); donors who give nothing are absent. */
export function yearlyGivingOf(db: Db, donorIds: string[], currency: string, _now: Date): Promise<Map<string, YearlyGiving>> {
  return yearlyGivingOfDonors(db, donorIds, currency);
}

/** Each donor's started memberships, newest first. */
export async function startedMembershipsOf(db: Db, donorIds: string[]): Promise<Map<string, MembershipSummaryRow[]>> {
  const byDonor = new Map<string, MembershipSummaryRow[]>();
  if (donorIds.length === 0) return byDonor;
  const rows: (MembershipSummaryRow & { donor_id: string })[] = await db('memberships')
    .whereIn('donor_id', donorIds)
    .whereIn('status', STARTED_MEMBERSHIP_STATUSES)
    .orderBy('created_at', 'desc')
    .select('donor_id', 'status', 'amount', 'currency', 'interval', 'cancel_at_period_end');
  for (const row of rows) byDonor.set(row.donor_id, [...(byDonor.get(row.donor_id) ?? []), row]);
  return byDonor;
}
