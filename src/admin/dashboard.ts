import type { Db } from '../db/knex';
import { formatMoney } from '../lib/money';
import { formatDateInTimeZone } from '../receipts/receipt-view';
import type { Settings } from '../settings/settings';
import {
  donorsAtEachLevel,
  givingInWindows,
  membershipCounts,
  membershipsInArrears,
  recentGifts,
  topSources,
  type ArrearsRow,
  type GivingWindowRow,
  type LevelCountRow,
  type MembershipCountsRow,
  type RecentGiftRow,
  type SourceRow,
} from './dashboard-queries';

const DAY_MS = 86_400_000;
const WINDOW_DAYS = 30;
const LISTED = 10;
const TOP_SOURCES = 5;

export interface DashboardFacts {
  settings: Settings;
  giving: GivingWindowRow | undefined;
  members: MembershipCountsRow | undefined;
  levels: LevelCountRow[];
  /** null for a role that may not see who gives (roles.ts): the lists that name donors are not even read. */
  attention: ArrearsRow[] | null;
  recent: RecentGiftRow[] | null;
  sources: SourceRow[];
}

export interface DashboardOptions {
  /** Whether the reader's role may see donors' names (the newsroom's may not). */
  namesDonors: boolean;
  now?: Date;
}

/**
 * The figures a development director opens the console for: money in over the
 * last 30 days against the 30 before, the membership base and what it brings
 * in each month, who needs attention, and the donors at each level.
 */
export async function loadDashboardView(db: Db, settings: Settings, { namesDonors, now = new Date() }: DashboardOptions) {
  const currency = settings.giving.currency;
  const since = new Date(now.getTime() - WINDOW_DAYS * DAY_MS);
  const before = new Date(now.getTime() - 2 * WINDOW_DAYS * DAY_MS);
  return buildDashboardView({
    settings,
    giving: await givingInWindows(db, currency, { before, since, now }),
    members: await membershipCounts(db, currency, since),
    levels: await donorsAtEachLevel(db, settings.membership_levels, currency),
    attention: namesDonors ? await membershipsInArrears(db, LISTED) : null,
    recent: namesDonors ? await recentGifts(db, LISTED) : null,
    sources: await topSources(db, currency, since, TOP_SOURCES),
  });
}


export function buildDashboardView({ settings, giving, members, levels, attention, recent, sources }: DashboardFacts) {
  const currency = settings.giving.currency;
  const money = (minor: number | string | null | undefined) => formatMoney(Number(minor ?? 0), currency);
  const timezone = settings.organization.timezone;
  return {
    title: 'Dashboard',
    windowDays: WINDOW_DAYS,
    giving: {
      raised: money(giving?.raised),
      raisedBefore: money(giving?.raised_before),
      change: percentChange(Number(giving?.raised ?? 0), Number(giving?.raised_before ?? 0)),
      oneTime: money(giving?.one_time),
      recurring: money(Number(giving?.raised ?? 0) - Number(giving?.one_time ?? 0)),
      gifts: Number(giving?.gifts ?? 0),
      donors: Number(giving?.donors ?? 0),
      newDonors: Number(giving?.new_donors ?? 0),
    },
    members: {
      active: Number(members?.active ?? 0),
      pastDue: Number(members?.past_due ?? 0),
      canceling: Number(members?.canceling ?? 0),
      mrr: money(members?.mrr),
      started: Number(members?.started ?? 0),
      ended: Number(members?.ended ?? 0),
    },
    levels: donorsByLevel(levels, settings),
    namesDonors: attention !== null,
    attention: attention?.map((a) => ({
      donorId: a.donor_id,
      who: a.name ?? a.email,
      amount: `${formatMoney(a.amount, a.currency)} a ${a.interval}`,
      since: a.status_at ? formatDateInTimeZone(a.status_at, timezone) : null,
    })),
    recent: recent?.map((r) => ({
      donorId: r.donor_id,
      who: r.name ?? r.email,
      date: formatDateInTimeZone(r.paid_at, timezone),
      amount: formatMoney(Number(r.amount), r.currency),
      kind: r.frequency === 'once' ? 'One-time' : r.frequency === 'monthly' ? 'Monthly' : 'Yearly',
      source: r.article_title ?? r.campaign,
    })),
    sources: sources.map((s) => ({ source: s.source, gifts: Number(s.gifts), raised: money(s.raised) })),
  };
}

/**
 * How many donors are at each level, counted the way the donors list filters
 * by level (so each count matches the list it links to): every donor, those
 * who gave nothing in 12 months at the first level.
 */
function donorsByLevel(rows: LevelCountRow[], settings: Settings) {
  const counted = new Map(rows.map((r) => [Number(r.level), r]));
  return settings.membership_levels.map((level, index) => ({
    name: level.name,
    from: formatMoney(level.min_yearly, settings.giving.currency),
    donors: Number(counted.get(index)?.donors ?? 0),
    yearly: formatMoney(Number(counted.get(index)?.yearly ?? 0), settings.giving.currency),
  }));
}

/** "+19%", "-4%", or null when there is nothing to compare with. */
export function percentChange(now: number, before: number): string | null {
  if (before === 0) return null;
  const change = Math.round(((now - before) / before) * 100);
  return `${change > 0 ? '+' : ''}${change}%`;
}
