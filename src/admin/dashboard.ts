import type { Db } from '../db/knex';
import { KEPT_DONATION_STATUSES as GIVEN_STATUSES, netPaidSql } from '../giving/donation-status';
import { formatMoney } from '../lib/money';
import { yearlyGivingQuery } from '../members/level-queries';
import { formatDateInTimeZone } from '../receipts/receipt-view';
import type { Settings } from '../settings/settings';
import { STARTED_MEMBERSHIP_STATUSES } from './membership-labels';

const DAY_MS = 86_400_000;
const WINDOW_DAYS = 30;

/**
 * The figures a development director opens the console for: money in over the
 * last 30 days against the 30 before, the membership base and what it brings
 * in each month, who needs attention, and the donors at each level.
 */
export async function dashboardModel(db: Db, settings: Settings, now = new Date()) {
  const currency = settings.giving.currency;
  const money = (minor: number | string | null | undefined) => formatMoney(Number(minor ?? 0), currency);
  const timezone = settings.organization.timezone;
  const since = new Date(now.getTime() - WINDOW_DAYS * DAY_MS);
  const before = new Date(now.getTime() - 2 * WINDOW_DAYS * DAY_MS);

  // Sums are in the organisation's currency; a gift in another is listed, not added.
  const [giving] = await db('donations as g')
    .leftJoin('donor_totals as t', 't.donor_id', 'g.donor_id')
    .where('g.currency', currency)
    .whereIn('g.status', GIVEN_STATUSES)
    .where('g.paid_at', '>', before)
    .where('g.paid_at', '<=', now)
    .select(
      db.raw(`coalesce(sum(${netPaidSql('g')}) filter (where g.paid_at > ?), 0) as raised`, [since]),
      db.raw(`coalesce(sum(${netPaidSql('g')}) filter (where g.paid_at <= ?), 0) as raised_before`, [since]),
      db.raw(`coalesce(sum(${netPaidSql('g')}) filter (where g.paid_at > ? and g.frequency = 'once'), 0) as one_time`, [since]),
      db.raw('count(*) filter (where g.paid_at > ?) as gifts', [since]),
      db.raw('count(distinct g.donor_id) filter (where g.paid_at > ?) as donors', [since]),
      // New: the donor's first gift ever falls in the window.
      db.raw('count(distinct g.donor_id) filter (where g.paid_at > ? and t.first_gift_at > ?) as new_donors', [since, since]),
    );

  const [members] = await db('memberships').select(
    db.raw("count(*) filter (where status in ('active', 'trialing')) as active"),
    db.raw("count(*) filter (where status in ('past_due', 'unpaid')) as past_due"),
    db.raw("count(*) filter (where status in ('active', 'trialing', 'past_due') and cancel_at_period_end) as canceling"),
    // Monthly recurring revenue: what live memberships bring in a month, yearly ones spread over twelve.
    db.raw(
      "coalesce(sum(case when interval = 'month' then amount else amount / 12.0 end) filter (where status in ('active', 'trialing', 'past_due') and currency = ?), 0)::bigint as mrr",
      [currency],
    ),
    db.raw('count(*) filter (where status = any(?) and created_at > ?) as started', [[...STARTED_MEMBERSHIP_STATUSES], since]),
    db.raw('count(*) filter (where ended_at > ?) as ended', [since]),
  );

  const attention: { donor_id: string; name: string | null; email: string; amount: number; currency: string; interval: string; status_at: Date | null }[] =
    await db('memberships as m')
      .join('donors as d', 'd.id', 'm.donor_id')
      .whereIn('m.status', ['past_due', 'unpaid'])
      .orderBy('m.status_at', 'desc')
      .limit(10)
      .select('m.donor_id', 'd.name', 'd.email', 'm.amount', 'm.currency', 'm.interval', 'm.status_at');

  const recent: { donor_id: string; name: string | null; email: string; paid_at: Date; amount: number; currency: string; frequency: string; article_title: string | null; campaign: string | null }[] =
    await db('donations as g')
      .join('donors as d', 'd.id', 'g.donor_id')
      .whereIn('g.status', GIVEN_STATUSES)
      .whereNotNull('g.paid_at')
      .orderBy('g.paid_at', 'desc')
      .limit(10)
      .select('g.donor_id', 'd.name', 'd.email', 'g.paid_at', db.raw(`${netPaidSql('g')} as amount`), 'g.currency', 'g.frequency', 'g.article_title', 'g.campaign');

  const sources: { source: string; gifts: string; raised: string }[] = await db('donations')
    .where({ currency })
    .whereIn('status', GIVEN_STATUSES)
    .where('paid_at', '>', since)
    .whereRaw('coalesce(article_title, article_url, campaign) is not null')
    .groupByRaw('1')
    .orderBy([{ column: 'raised', order: 'desc' }])
    .limit(5)
    .select(db.raw('coalesce(article_title, article_url, campaign) as source'), db.raw('count(*) as gifts'), db.raw(`sum(${netPaidSql()}) as raised`));

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
    levels: await donorsByLevel(db, settings, now),
    attention: attention.map((a) => ({
      donorId: a.donor_id,
      who: a.name ?? a.email,
      amount: `${formatMoney(a.amount, a.currency)} a ${a.interval}`,
      since: a.status_at ? formatDateInTimeZone(a.status_at, timezone) : null,
    })),
    recent: recent.map((r) => ({
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
async function donorsByLevel(db: Db, settings: Settings, now: Date) {
  const levels = settings.membership_levels;
  // Levels are sorted ascending, so the first threshold from the top that is reached is the level.
  const bucket = levels
    .map((level, index) => ({ level, index }))
    .reverse()
    .map(({ level, index }) => `when coalesce(y.yearly, 0) >= ${Number(level.min_yearly)} then ${index}`)
    .join(' ');
  const rows: { level: number; donors: string; yearly: string }[] = await db('donors as d')
    .leftJoin(yearlyGivingQuery(db, now, settings.giving.currency).as('y'), 'y.donor_id', 'd.id')
    .groupByRaw('1')
    .select(db.raw(`case ${bucket} else 0 end as level`), db.raw('count(*) as donors'), db.raw('coalesce(sum(y.yearly), 0) as yearly'));
  const counted = new Map(rows.map((r) => [Number(r.level), r]));
  return levels.map((level, index) => ({
    name: level.name,
    from: formatMoney(level.min_yearly, settings.giving.currency),
    donors: Number(counted.get(index)?.donors ?? 0),
    yearly: formatMoney(Number(counted.get(index)?.yearly ?? 0), settings.giving.currency),
  }));
}

function percentChange(now: number, before: number): string | null {
  if (before === 0) return null;
  const change = Math.round(((now - before) / before) * 100);
  return `${change > 0 ? '+' : ''}${change}%`;
}
