import { z } from 'zod';
import type { Db } from '../db/knex';
import { GIVEN_STATUSES, netPaidSql } from '../giving/donation-queries';
import { formatMoney } from '../lib/money';
import { levelFor, levelRange, yearlyGivingQuery } from '../members/levels';
import { formatDateInTimeZone } from '../receipts/receipt-view';
import type { Settings } from '../settings/settings';
import { membershipSummary, type MembershipSummaryRow } from './membership-labels';

export const DONORS_PER_PAGE = 50;

const LIVE_MEMBERSHIP = ['active', 'trialing', 'past_due', 'unpaid'];

export const MEMBERSHIP_FILTERS = {
  active: 'Active members',
  past_due: 'Payment failed',
  canceling: 'Cancelling at period end',
  ended: 'Former members',
  none: 'Never a member',
} as const;

export const SORTS = { recent: 'Most recent gift', yearly: 'Giving in the last 12 months', name: 'Name' } as const;

export const donorSearchQuery = z.object({
  q: z.string().trim().max(200, 'q: a search is at most 200 characters').default(''),
  level: z.string().max(60).default(''),
  membership: z.enum(['', ...(Object.keys(MEMBERSHIP_FILTERS) as (keyof typeof MEMBERSHIP_FILTERS)[])]).default(''),
  sort: z.enum(Object.keys(SORTS) as (keyof typeof SORTS)[]).default('recent'),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
});
export type DonorSearch = z.infer<typeof donorSearchQuery>;

interface DonorHit {
  id: string;
  email: string;
  name: string | null;
  yearly: string;
  lifetime: string;
  last_gift_at: Date | null;
  gifts: string;
  total: string;
}

function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * One page of donors matching a staff search, with each donor's level. The
 * aggregates run over every matching donor so the filters and sorts by level
 * and giving are exact; docs/PERFORMANCE.md has its cost at 50,000 donors.
 */
export async function searchDonors(db: Db, search: DonorSearch, settings: Settings, now = new Date()) {
  const levels = settings.membership_levels;
  const totals = db('donations')
    .select('donor_id')
    .sum({ lifetime: db.raw(netPaidSql()) })
    .max({ last_gift_at: 'paid_at' })
    .count({ gifts: '*' })
    .whereIn('status', GIVEN_STATUSES)
    .groupBy('donor_id');
  const query = db('donors as d')
    .leftJoin(totals.as('t'), 't.donor_id', 'd.id')
    .leftJoin(yearlyGivingQuery(db, now).as('y'), 'y.donor_id', 'd.id')
    .select(
      'd.id',
      'd.email',
      'd.name',
      db.raw('coalesce(y.yearly, 0) as yearly'),
      db.raw('coalesce(t.lifetime, 0) as lifetime'),
      't.last_gift_at',
      db.raw('coalesce(t.gifts, 0) as gifts'),
      db.raw('count(*) over () as total'),
    );

  if (search.q) {
    const pattern = likePattern(search.q);
    query.where((w) => {
      w.whereRaw("d.email ilike ? escape '\\'", [pattern]).orWhereRaw("d.name ilike ? escape '\\'", [pattern]);
      if (/^cus_\w+$/.test(search.q)) w.orWhere('d.stripe_customer_id', search.q);
    });
  }
  const range = search.level ? levelRange(search.level, levels) : null;
  if (range) {
    query.whereRaw('coalesce(y.yearly, 0) >= ?', [range.min]);
    if (range.below !== null) query.whereRaw('coalesce(y.yearly, 0) < ?', [range.below]);
  }
  applyMembershipFilter(db, query, search.membership);

  if (search.sort === 'name') query.orderByRaw('lower(coalesce(d.name, d.email)), d.id');
  else if (search.sort === 'yearly') query.orderByRaw('coalesce(y.yearly, 0) desc, t.last_gift_at desc nulls last, d.id');
  else query.orderByRaw('t.last_gift_at desc nulls last, d.created_at desc, d.id');

  const hits: DonorHit[] = await query.limit(DONORS_PER_PAGE).offset((search.page - 1) * DONORS_PER_PAGE);
  const memberships = await membershipsOf(db, hits.map((h) => h.id));
  const { currency } = settings.giving;
  const timezone = settings.organization.timezone;
  const total = Number(hits[0]?.total ?? 0);
  return {
    total,
    pages: Math.max(1, Math.ceil(total / DONORS_PER_PAGE)),
    unknownLevel: search.level !== '' && range === null,
    donors: hits.map((h) => ({
      id: h.id,
      name: h.name,
      email: h.email,
      level: levelFor(Number(h.yearly), levels).name,
      yearly: formatMoney(Number(h.yearly), currency),
      lifetime: formatMoney(Number(h.lifetime), currency),
      gifts: Number(h.gifts),
      lastGift: h.last_gift_at ? formatDateInTimeZone(h.last_gift_at, timezone) : null,
      membership: membershipSummary(memberships.get(h.id) ?? []),
    })),
  };
}

function applyMembershipFilter(db: Db, query: ReturnType<Db>, filter: DonorSearch['membership']) {
  const memberships = (build: (q: ReturnType<Db>) => void) =>
    function existsMembership(this: ReturnType<Db>) {
      this.select(db.raw('1')).from('memberships as m').whereRaw('m.donor_id = d.id');
      build(this);
    };
  switch (filter) {
    case 'active':
      query.whereExists(memberships((m) => m.whereIn('m.status', ['active', 'trialing']).where('m.cancel_at_period_end', false)));
      break;
    case 'past_due':
      query.whereExists(memberships((m) => m.whereIn('m.status', ['past_due', 'unpaid'])));
      break;
    case 'canceling':
      query.whereExists(memberships((m) => m.whereIn('m.status', LIVE_MEMBERSHIP).where('m.cancel_at_period_end', true)));
      break;
    case 'ended':
      query
        .whereExists(memberships((m) => m.where('m.status', 'canceled')))
        .whereNotExists(memberships((m) => m.whereIn('m.status', LIVE_MEMBERSHIP)));
      break;
    case 'none':
      query.whereNotExists(memberships((m) => m.whereNot('m.status', 'pending')));
      break;
    default:
      break;
  }
}

async function membershipsOf(db: Db, donorIds: string[]): Promise<Map<string, MembershipSummaryRow[]>> {
  const byDonor = new Map<string, MembershipSummaryRow[]>();
  if (donorIds.length === 0) return byDonor;
  const rows: (MembershipSummaryRow & { donor_id: string })[] = await db('memberships')
    .whereIn('donor_id', donorIds)
    .whereNot('status', 'pending')
    .orderBy('created_at', 'desc')
    .select('donor_id', 'status', 'amount', 'currency', 'interval', 'cancel_at_period_end');
  for (const row of rows) byDonor.set(row.donor_id, [...(byDonor.get(row.donor_id) ?? []), row]);
  return byDonor;
}
