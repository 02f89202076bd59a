import type { Db } from '../db/knex';
import { toYearlyGiving, yearlyGivingQuery, type YearlyGiving } from '../members/level-queries';
import {
  ARREARS_MEMBERSHIP_STATUSES,
  LIVE_MEMBERSHIP_STATUSES,
  PAYING_MEMBERSHIP_STATUSES,
  STARTED_MEMBERSHIP_STATUSES,
} from '../members/membership-status';
import type { MembershipSummaryRow } from './membership-labels';

/** The staff donors list: donors matching a search, a page at a time. */

export type MembershipFilter = '' | 'active' | 'past_due' | 'canceling' | 'ended' | 'none';
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
  /** How many donors match in all (the same on every row). */
  total: number;
}

function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * One page of matching donors and the count of all of them. All-time totals
 * come from `donor_totals` (kept by a trigger); yearly giving is added up over
 * every donor only when the search filters or sorts by it.
 * docs/PERFORMANCE.md has the cost at 50,000 donors.
 */
export async function searchDonorRows(db: Db, search: DonorSearchCriteria): Promise<{ hits: DonorHit[]; total: number }> {
  const byYearly = search.yearlyRange !== null || search.sort === 'yearly';
  const filtered = db('donors as d').leftJoin('donor_totals as t', 't.donor_id', 'd.id');
  if (byYearly) filtered.leftJoin(yearlyGivingQuery(db, search.now, search.currency).as('y'), 'y.donor_id', 'd.id');
  applyDonorFilters(db, filtered, search);

  const query = filtered
    .clone()
    .select('d.id', 'd.email', 'd.name', 't.lifetime', 't.last_gift_at', 't.gifts', db.raw('count(*) over () as total'));
  if (byYearly) query.select('y.yearly');

  if (search.sort === 'name') query.orderByRaw('lower(coalesce(d.name, d.email)), d.id');
  else if (search.sort === 'yearly') query.orderByRaw('coalesce(y.yearly, 0) desc, t.last_gift_at desc nulls last, d.id');
  else query.orderByRaw('t.last_gift_at desc nulls last, d.created_at desc, d.id');

  const hits: DonorHit[] = await query.limit(search.limit).offset(search.offset);
  // A page past the end has no row to carry the count: count on its own then.
  const total = hits.length > 0 || search.offset === 0 ? Number(hits[0]?.total ?? 0) : Number((await filtered.clone().count({ n: '*' }).first())?.n ?? 0);
  return { hits, total };
}

/**
 * The donors list's filters, on a query of `donors as d` (with yearly giving
 * joined as `y` when `yearlyRange` is set): the one statement of them, for the
 * list and the donors export (src/admin/exports/).
 */
export function applyDonorFilters(db: Db, query: ReturnType<Db>, filters: Pick<DonorSearchCriteria, 'q' | 'yearlyRange' | 'membership'>) {
  if (filters.q) {
    const pattern = likePattern(filters.q);
    query.where((w) => {
      w.whereRaw("d.email ilike ? escape '\\'", [pattern]).orWhereRaw("d.name ilike ? escape '\\'", [pattern]);
      if (/^cus_\w+$/.test(filters.q)) w.orWhere('d.stripe_customer_id', filters.q);
    });
  }
  if (filters.yearlyRange) {
    query.whereRaw('coalesce(y.yearly, 0) >= ?', [filters.yearlyRange.min]);
    if (filters.yearlyRange.below !== null) query.whereRaw('coalesce(y.yearly, 0) < ?', [filters.yearlyRange.below]);
  }
  applyMembershipFilter(db, query, filters.membership);
}

function applyMembershipFilter(db: Db, query: ReturnType<Db>, filter: MembershipFilter) {
  const memberships = (build: (q: ReturnType<Db>) => void) =>
    function existsMembership(this: ReturnType<Db>) {
      this.select(db.raw('1')).from('memberships as m').whereRaw('m.donor_id = d.id');
      build(this);
    };
  switch (filter) {
    case 'active':
      query.whereExists(memberships((m) => m.whereIn('m.status', PAYING_MEMBERSHIP_STATUSES).where('m.cancel_at_period_end', false)));
      break;
    case 'past_due':
      query.whereExists(memberships((m) => m.whereIn('m.status', ARREARS_MEMBERSHIP_STATUSES)));
      break;
    case 'canceling':
      query.whereExists(memberships((m) => m.whereIn('m.status', LIVE_MEMBERSHIP_STATUSES).where('m.cancel_at_period_end', true)));
      break;
    case 'ended':
      // Began once (started) and none still running (live): the one started status that is not live is `canceled`.
      query
        .whereExists(memberships((m) => m.whereIn('m.status', STARTED_MEMBERSHIP_STATUSES)))
        .whereNotExists(memberships((m) => m.whereIn('m.status', LIVE_MEMBERSHIP_STATUSES)));
      break;
    case 'none':
      query.whereNotExists(memberships((m) => m.whereIn('m.status', STARTED_MEMBERSHIP_STATUSES)));
      break;
    default:
      break;
  }
}

/** Each donor's yearly giving in `currency` (given, committed, the level's measure); donors with none are absent. */
export async function yearlyGivingOf(db: Db, donorIds: string[], currency: string, now: Date): Promise<Map<string, YearlyGiving>> {
  if (donorIds.length === 0) return new Map();
  const rows: ({ donor_id: string } & Parameters<typeof toYearlyGiving>[0])[] = await yearlyGivingQuery(db, now, currency, donorIds);
  return new Map(rows.map((r) => [r.donor_id, toYearlyGiving(r)]));
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
