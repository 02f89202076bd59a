import { z } from 'zod';
import type { Db } from '../db/knex';
import { formatMoney } from '../lib/money';
import { levelFor, levelRange } from '../members/levels';
import { yearlyGivingQuery } from '../members/level-queries';
import { formatDateInTimeZone } from '../receipts/receipt-view';
import type { Settings } from '../settings/settings';
import { LIVE_MEMBERSHIP_STATUSES, membershipSummary, STARTED_MEMBERSHIP_STATUSES, type MembershipSummaryRow } from './membership-labels';
import { printable } from '../lib/text';

export const DONORS_PER_PAGE = 50;


export const MEMBERSHIP_FILTERS = {
  active: 'Active members',
  past_due: 'Payment failed',
  canceling: 'Cancelling at period end',
  ended: 'Former members',
  none: 'Never a member',
} as const;

export const SORTS = { recent: 'Most recent gift', yearly: 'Giving in the last 12 months', name: 'Name' } as const;

export const donorSearchQuery = z.object({
  q: printable.trim().max(200, 'a search is at most 200 characters').default(''),
  level: printable.max(60).default(''),
  membership: z.enum(['', ...(Object.keys(MEMBERSHIP_FILTERS) as (keyof typeof MEMBERSHIP_FILTERS)[])]).default(''),
  sort: z.enum(Object.keys(SORTS) as (keyof typeof SORTS)[]).default('recent'),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
});
export type DonorSearch = z.infer<typeof donorSearchQuery>;

interface DonorHit {
  id: string;
  email: string;
  name: string | null;
  yearly?: string | null;
  lifetime: string | null;
  last_gift_at: Date | null;
  gifts: number | null;
  total: string;
}

function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * One page of donors matching a staff search, with each donor's level.
 * All-time totals come from `donor_totals` (kept by a trigger); yearly giving
 * for levels is added up over every donor only when the search filters or
 * sorts by it, and otherwise for the page's 50 donors alone.
 * docs/PERFORMANCE.md has the cost at 50,000 donors.
 */
export async function searchDonors(db: Db, search: DonorSearch, settings: Settings, now = new Date()) {
  const levels = settings.membership_levels;
  const range = search.level ? levelRange(search.level, levels) : null;
  const byYearly = range !== null || search.sort === 'yearly';
  const filtered = db('donors as d').leftJoin('donor_totals as t', 't.donor_id', 'd.id');
  if (byYearly) filtered.leftJoin(yearlyGivingQuery(db, now, settings.giving.currency).as('y'), 'y.donor_id', 'd.id');
  if (search.q) {
    const pattern = likePattern(search.q);
    filtered.where((w) => {
      w.whereRaw("d.email ilike ? escape '\\'", [pattern]).orWhereRaw("d.name ilike ? escape '\\'", [pattern]);
      if (/^cus_\w+$/.test(search.q)) w.orWhere('d.stripe_customer_id', search.q);
    });
  }
  if (range) {
    filtered.whereRaw('coalesce(y.yearly, 0) >= ?', [range.min]);
    if (range.below !== null) filtered.whereRaw('coalesce(y.yearly, 0) < ?', [range.below]);
  }
  applyMembershipFilter(db, filtered, search.membership);

  const query = filtered
    .clone()
    .select('d.id', 'd.email', 'd.name', 't.lifetime', 't.last_gift_at', 't.gifts', db.raw('count(*) over () as total'));
  if (byYearly) query.select('y.yearly');

  if (search.sort === 'name') query.orderByRaw('lower(coalesce(d.name, d.email)), d.id');
  else if (search.sort === 'yearly') query.orderByRaw('coalesce(y.yearly, 0) desc, t.last_gift_at desc nulls last, d.id');
  else query.orderByRaw('t.last_gift_at desc nulls last, d.created_at desc, d.id');

  const hits: DonorHit[] = await query.limit(DONORS_PER_PAGE).offset((search.page - 1) * DONORS_PER_PAGE);
  const ids = hits.map((h) => h.id);
  const yearly = byYearly ? new Map(hits.map((h) => [h.id, Number(h.yearly ?? 0)])) : await yearlyGivingOf(db, ids, settings.giving.currency, now);
  const memberships = await membershipsOf(db, ids);
  const { currency } = settings.giving;
  const timezone = settings.organization.timezone;
  // A page past the end has no row to carry the count: count on its own then.
  const total = hits.length > 0 || search.page === 1 ? Number(hits[0]?.total ?? 0) : Number((await filtered.clone().count({ n: '*' }).first())?.n ?? 0);
  return {
    total,
    pages: Math.max(1, Math.ceil(total / DONORS_PER_PAGE)),
    unknownLevel: search.level !== '' && range === null,
    donors: hits.map((h) => ({
      id: h.id,
      name: h.name,
      email: h.email,
      level: levelFor(yearly.get(h.id) ?? 0, levels).name,
      yearly: formatMoney(yearly.get(h.id) ?? 0, currency),
      lifetime: formatMoney(Number(h.lifetime ?? 0), currency),
      gifts: Number(h.gifts ?? 0),
      lastGift: h.last_gift_at ? formatDateInTimeZone(h.last_gift_at, timezone) : null,
      membership: membershipSummary(memberships.get(h.id) ?? []),
    })),
  };
}

async function yearlyGivingOf(db: Db, donorIds: string[], currency: string, now: Date): Promise<Map<string, number>> {
  if (donorIds.length === 0) return new Map();
  const rows: { donor_id: string; yearly: string }[] = await yearlyGivingQuery(db, now, currency, donorIds);
  return new Map(rows.map((r) => [r.donor_id, Number(r.yearly)]));
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
      query.whereExists(memberships((m) => m.whereIn('m.status', LIVE_MEMBERSHIP_STATUSES).where('m.cancel_at_period_end', true)));
      break;
    case 'ended':
      query
        .whereExists(memberships((m) => m.where('m.status', 'canceled')))
        .whereNotExists(memberships((m) => m.whereIn('m.status', LIVE_MEMBERSHIP_STATUSES)));
      break;
    case 'none':
      query.whereNotExists(memberships((m) => m.whereIn('m.status', STARTED_MEMBERSHIP_STATUSES)));
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
    .whereIn('status', STARTED_MEMBERSHIP_STATUSES)
    .orderBy('created_at', 'desc')
    .select('donor_id', 'status', 'amount', 'currency', 'interval', 'cancel_at_period_end');
  for (const row of rows) byDonor.set(row.donor_id, [...(byDonor.get(row.donor_id) ?? []), row]);
  return byDonor;
}
