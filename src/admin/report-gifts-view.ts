import type { Db } from '../db/knex';
import { DONATION_STATUS_LABELS } from '../giving/donation-status';
import { formatMoney } from '../lib/money';
import { formatDateInTimeZone } from '../receipts/receipt-view';
import type { Settings } from '../settings/settings';
import { formatCalendarDate, type ReportPeriod } from './report-period';
import { revenueReportGifts, type ReportDimension, type ReportGiftRow } from './revenue-report-queries';
import { REPORTS } from './revenue-report-view';

export const REPORT_GIFTS_PER_PAGE = 100;

export interface ReportGiftsQuery extends ReportPeriod {
  dimension: ReportDimension;
  /** The article URL or the campaign. */
  key: string;
  page: number;
}

export interface ReportGiftsFacts {
  query: ReportGiftsQuery;
  timezone: string;
  gifts: ReportGiftRow[];
}

/** The paid gifts behind one row of a revenue report, in its period. */
export async function loadReportGiftsView(db: Db, query: ReportGiftsQuery, settings: Settings) {
  const gifts = await revenueReportGifts(db, {
    dimension: query.dimension,
    key: query.key,
    currency: settings.giving.currency,
    timezone: settings.organization.timezone,
    period: { from: query.from, to: query.to },
    limit: REPORT_GIFTS_PER_PAGE,
    offset: (query.page - 1) * REPORT_GIFTS_PER_PAGE,
  });
  return buildReportGiftsView({ query, timezone: settings.organization.timezone, gifts });
}

export function buildReportGiftsView({ query, timezone, gifts }: ReportGiftsFacts) {
  const report = REPORTS[query.dimension];
  const period = { from: query.from, to: query.to };
  const href = (page: number) => `/admin/reports/gifts?${new URLSearchParams({ [report.param]: query.key, ...period, page: String(page) })}`;
  const total = Number(gifts[0]?.total ?? 0);
  const pages = Math.max(1, Math.ceil(total / REPORT_GIFTS_PER_PAGE));
  return {
    title: `Gifts: ${query.key}`,
    report: { title: report.title, rowLabel: report.rowLabel, href: `${report.path}?${new URLSearchParams(period)}` },
    key: query.key,
    /** The row's own query parameter, kept by the period picker. */
    row: { [report.param]: query.key },
    period: { ...period, label: `${formatCalendarDate(period.from)} to ${formatCalendarDate(period.to)}` },
    total,
    gifts: gifts.map((g) => {
      const net = Number(g.net);
      const paid = Number(g.amount_paid);
      return {
        id: g.id,
        donorId: g.donor_id,
        name: g.name,
        email: g.email,
        date: formatDateInTimeZone(g.paid_at, timezone),
        amount: formatMoney(net, g.currency),
        paid: net === paid ? null : formatMoney(paid, g.currency),
        kind: g.membership_id === null ? 'One-time' : g.renewal ? 'Renewal' : 'First payment',
        status: DONATION_STATUS_LABELS[g.status as keyof typeof DONATION_STATUS_LABELS] ?? g.status,
      };
    }),
    page: query.page,
    pages,
    previousHref: query.page > 1 ? href(Math.min(query.page - 1, pages)) : null,
    nextHref: query.page < pages ? href(query.page + 1) : null,
  };
}
