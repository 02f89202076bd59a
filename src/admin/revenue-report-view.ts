import type { Db } from '../db/knex';
import { formatMoney } from '../lib/money';
import type { Settings } from '../settings/settings';
import { formatCalendarDate, type ReportPeriod } from './report-period';
import {
  revenueReportRows,
  revenueReportTotals,
  type ReportDimension,
  type ReportFigures,
  type ReportRow,
  type ReportSortKey,
  type ReportTotals,
  type SortDirection,
} from './revenue-report-queries';

export const REPORT_ROWS_PER_PAGE = 100;

/** Each report's page, its title and what its rows are. */
export const REPORTS = {
  story: { path: '/admin/reports/stories', title: 'Revenue by story', rowLabel: 'Story', param: 'article_url' },
  campaign: { path: '/admin/reports/campaigns', title: 'Revenue by campaign', rowLabel: 'Campaign', param: 'campaign' },
} as const satisfies Record<ReportDimension, { path: string; title: string; rowLabel: string; param: string }>;

/** The columns, in order; a first click on a figure sorts it largest first, on the label A to Z. */
const COLUMNS: { key: ReportSortKey; label: string | null; num: boolean }[] = [
  { key: 'label', label: null, num: false },
  { key: 'donors', label: 'Donors', num: true },
  { key: 'first_gifts', label: 'First gifts', num: true },
  { key: 'renewals', label: 'Renewals', num: true },
  { key: 'revenue', label: 'Revenue', num: true },
  { key: 'lifetime', label: 'Lifetime revenue', num: true },
  { key: 'members', label: 'Members still active', num: true },
];

export interface RevenueReportQuery extends ReportPeriod {
  sort: ReportSortKey;
  dir: SortDirection;
  page: number;
}

export interface RevenueReportFacts {
  dimension: ReportDimension;
  query: RevenueReportQuery;
  currency: string;
  rows: ReportRow[];
  totals: ReportTotals;
}

/** One page of a revenue report and its totals: two queries, whatever the number of stories. */
export async function loadRevenueReportView(db: Db, dimension: ReportDimension, query: RevenueReportQuery, settings: Settings) {
  const criteria = { dimension, currency: settings.giving.currency, timezone: settings.organization.timezone, period: { from: query.from, to: query.to } };
  const [rows, totals] = await Promise.all([
    revenueReportRows(db, { ...criteria, sort: query.sort, dir: query.dir, limit: REPORT_ROWS_PER_PAGE, offset: (query.page - 1) * REPORT_ROWS_PER_PAGE }),
    revenueReportTotals(db, criteria),
  ]);
  return buildRevenueReportView({ dimension, query, currency: settings.giving.currency, rows, totals });
}

export function buildRevenueReportView({ dimension, query, currency, rows, totals }: RevenueReportFacts) {
  const report = REPORTS[dimension];
  const other = REPORTS[dimension === 'story' ? 'campaign' : 'story'];
  const period = { from: query.from, to: query.to };
  const href = (changes: Partial<RevenueReportQuery>) => `${report.path}?${new URLSearchParams(stringsOf({ ...query, ...changes }))}`;
  const rowCount = Number(totals.rows);
  const pages = Math.max(1, Math.ceil(rowCount / REPORT_ROWS_PER_PAGE));
  return {
    title: report.title,
    dimension,
    report,
    other: { title: other.title, href: `${other.path}?${new URLSearchParams(period)}` },
    sorting: { sort: query.sort, dir: query.dir },
    period: { ...period, label: `${formatCalendarDate(period.from)} to ${formatCalendarDate(period.to)}` },
    columns: COLUMNS.map((column) => {
      const current = query.sort === column.key;
      const dir: SortDirection = current ? (query.dir === 'asc' ? 'desc' : 'asc') : column.num ? 'desc' : 'asc';
      return {
        key: column.key,
        label: column.label ?? report.rowLabel,
        num: column.num,
        href: href({ sort: column.key, dir, page: 1 }),
        ariaSort: current ? (query.dir === 'asc' ? 'ascending' : 'descending') : null,
      };
    }),
    rows: rows.map((row) => ({
      key: row.key,
      label: row.title ?? row.key,
      url: dimension === 'story' ? row.key : null,
      giftsHref: `/admin/reports/gifts?${new URLSearchParams({ [report.param]: row.key, ...period })}`,
      ...figures(row, currency),
    })),
    totals: figures(totals, currency),
    rowCount,
    page: query.page,
    pages,
    previousHref: query.page > 1 ? href({ page: Math.min(query.page - 1, pages) }) : null,
    nextHref: query.page < pages ? href({ page: query.page + 1 }) : null,
  };
}

function figures(row: ReportFigures, currency: string) {
  return {
    donors: Number(row.donors),
    firstGifts: Number(row.first_gifts),
    renewals: Number(row.renewals),
    revenue: formatMoney(Number(row.revenue), currency),
    lifetime: formatMoney(Number(row.lifetime), currency),
    members: Number(row.members),
  };
}

function stringsOf(query: RevenueReportQuery): Record<string, string> {
  return { from: query.from, to: query.to, sort: query.sort, dir: query.dir, page: String(query.page) };
}
