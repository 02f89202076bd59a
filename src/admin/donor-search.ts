import { z } from 'zod';
import type { Db } from '../db/knex';
import { formatMoney } from '../lib/money';
import { printable } from '../lib/text';
import { NO_YEARLY_GIVING, type YearlyGiving } from '../members/level-queries';
import { levelFor, levelRange } from '../members/levels';
import { formatDateInTimeZone } from '../receipts/receipt-view';
import type { Settings } from '../settings/settings';
import { searchDonorRows, startedMembershipsOf, yearlyGivingOf, type DonorHit, type MembershipFilter } from './donor-search-queries';
import { membershipSummary, type MembershipSummaryRow } from './membership-labels';

export const DONORS_PER_PAGE = 50;

export const MEMBERSHIP_FILTERS = {
  active: 'Active members',
  past_due: 'Payment failed',
  canceling: 'Cancelling at period end',
  ended: 'Former members',
  none: 'Never a member',
} as const satisfies Record<Exclude<MembershipFilter, ''>, string>;

// `yearly` orders by the level's measure (given or committed, whichever is more), so it is named as the level.
export const SORTS = { recent: 'Most recent gift', yearly: 'Level, highest first', name: 'Name' } as const;

export const donorSearchQuery = z.object({
  q: printable.trim().max(200, 'a search is at most 200 characters').default(''),
  level: printable.max(60).default(''),
  membership: z.enum(['', ...(Object.keys(MEMBERSHIP_FILTERS) as (keyof typeof MEMBERSHIP_FILTERS)[])]).default(''),
  sort: z.enum(Object.keys(SORTS) as (keyof typeof SORTS)[]).default('recent'),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
});
export type DonorSearch = z.infer<typeof donorSearchQuery>;

export interface DonorSearchFacts {
  search: DonorSearch;
  settings: Settings;
  hits: DonorHit[];
  total: number;
  /** Each listed donor's yearly giving: given in the last 12 months, committed a year, and the level's measure. */
  yearly: Map<string, YearlyGiving>;
  memberships: Map<string, MembershipSummaryRow[]>;
}

/**
 * One page of donors matching a staff search, with each donor's level and what
 * they gave in the last 12 months. Yearly giving is added up over every donor
 * only when the search filters or sorts by it; what the page shows is read for
 * its 50 donors alone.
 */
export async function loadDonorSearchView(db: Db, search: DonorSearch, settings: Settings, now = new Date()) {
  const { currency } = settings.giving;
  const yearlyRange = search.level ? levelRange(search.level, settings.membership_levels) : null;
  const { hits, total } = await searchDonorRows(db, {
    q: search.q,
    yearlyRange,
    membership: search.membership,
    sort: search.sort,
    limit: DONORS_PER_PAGE,
    offset: (search.page - 1) * DONORS_PER_PAGE,
    currency,
    now,
  });
  const ids = hits.map((h) => h.id);
  const yearly = await yearlyGivingOf(db, ids, currency, now);
  return buildDonorSearchView({ search, settings, hits, total, yearly, memberships: await startedMembershipsOf(db, ids) });
}


export function buildDonorSearchView({ search, settings, hits, total, yearly, memberships }: DonorSearchFacts) {
  const levels = settings.membership_levels;
  const { currency } = settings.giving;
  const timezone = settings.organization.timezone;
  return {
    total,
    pages: Math.max(1, Math.ceil(total / DONORS_PER_PAGE)),
    unknownLevel: search.level !== '' && levelRange(search.level, levels) === null,
    donors: hits.map((h) => {
      const giving = yearly.get(h.id) ?? NO_YEARLY_GIVING;
      return {
        id: h.id,
        name: h.name,
        email: h.email,
        level: levelFor(giving.yearly, levels).name,
        given: formatMoney(giving.given, currency),
        lifetime: formatMoney(Number(h.lifetime ?? 0), currency),
        gifts: Number(h.gifts ?? 0),
        lastGift: h.last_gift_at ? formatDateInTimeZone(h.last_gift_at, timezone) : null,
        membership: membershipSummary(memberships.get(h.id) ?? []),
      };
    }),
  };
}
