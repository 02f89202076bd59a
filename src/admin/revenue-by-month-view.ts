import type { Db } from '../db/knex';
import { csvAmount } from '../lib/csv';
import { formatMoney } from '../lib/money';
import type { Settings } from '../settings/settings';
import { barChart } from './charts/bar-chart';
import { percentChange } from './dashboard';
import type { ReportTable } from './export-report';
import { givingByMonth, type GivingMonthRow } from './monthly-report-queries';
import { addMonths, formatMonth, formatMonthShort, monthsEnding } from './report-months';

export interface RevenueByMonthQuery {
  months: number;
  /** The last month shown, YYYY-MM. */
  end: string;
}

export interface RevenueByMonthFacts {
  query: RevenueByMonthQuery;
  /** The month today falls in, in the organisation's zone: that month is still under way. */
  thisMonth: string;
  currency: string;
  rows: GivingMonthRow[];
}

/** The comparisons need last month and the same month a year before, whatever number of months is shown. */
const COMPARED_MONTHS = 13;

export async function loadRevenueByMonthView(db: Db, query: RevenueByMonthQuery, settings: Settings, thisMonth: string) {
  const first = addMonths(query.end, 1 - Math.max(query.months, COMPARED_MONTHS));
  const currency = settings.giving.currency;
  const rows = await givingByMonth(db, { first, last: query.end, timezone: settings.organization.timezone }, currency);
  return buildRevenueByMonthView({ query, thisMonth, currency, rows });
}

export function buildRevenueByMonthView({ query, thisMonth, currency, rows }: RevenueByMonthFacts) {
  const money = (minor: number) => formatMoney(minor, currency);
  const byMonth = new Map(rows.map((r) => [r.month, r]));
  const figuresOf = (month: string) => {
    const row = byMonth.get(month);
    const oneTime = Number(row?.one_time ?? 0);
    const recurring = Number(row?.recurring ?? 0);
    return { oneTime, recurring, total: oneTime + recurring, gifts: Number(row?.one_time_gifts ?? 0) + Number(row?.recurring_gifts ?? 0) };
  };
  const months = monthsEnding(query.end, query.months).map((month) => ({ month, label: formatMonth(month), short: formatMonthShort(month), ...figuresOf(month) }));
  const sum = (pick: (m: (typeof months)[number]) => number) => months.reduce((total, m) => total + pick(m), 0);
  const totals = { oneTime: sum((m) => m.oneTime), recurring: sum((m) => m.recurring), total: sum((m) => m.total), gifts: sum((m) => m.gifts) };
  const best = months.reduce((top, m) => (m.total > top.total ? m : top), months[0]!);
  const span = `${months[0]!.label} to ${months[months.length - 1]!.label}`;

  const current = figuresOf(query.end).total;
  const compare = (month: string, label: string) => {
    const total = figuresOf(month).total;
    return { label, month: formatMonth(month), total: money(total), change: percentChange(current, total) };
  };

  return {
    title: 'Revenue by month',
    path: '/admin/reports/revenue',
    query,
    span,
    underway: query.end === thisMonth,
    current: { month: formatMonth(query.end), total: money(current) },
    comparisons: [compare(addMonths(query.end, -1), 'Last month'), compare(addMonths(query.end, -12), 'Same month last year')],
    chart: barChart({
      id: 'revenue-chart',
      title: `Revenue by month, ${span}`,
      description:
        `One-time gifts and membership payments stacked, net of refunds. ${money(totals.total)} in all; ` +
        (best.total > 0 ? `the highest month was ${best.label} with ${money(best.total)}.` : 'nothing was given in these months.'),
      categories: months.map((m) => m.short),
      series: [
        { name: 'One-time', values: months.map((m) => m.oneTime) },
        { name: 'Recurring', values: months.map((m) => m.recurring) },
      ],
      layout: 'stacked',
      format: (minor) => formatMoney(minor, currency, { compact: true }),
      minStep: 100,
    }),
    rows: months.map((m) => ({ month: m.month, label: m.label, oneTime: money(m.oneTime), recurring: money(m.recurring), total: money(m.total), gifts: m.gifts })),
    totals: { oneTime: money(totals.oneTime), recurring: money(totals.recurring), total: money(totals.total), gifts: totals.gifts },
    csvHref: `/admin/reports/revenue?${new URLSearchParams({ months: String(query.months), end: query.end, format: 'csv' })}`,
    csv: {
      filename: `revenue-by-month-${months[0]!.month}-to-${query.end}.csv`,
      header: ['Month', `One-time (${currency.toUpperCase()})`, `Recurring (${currency.toUpperCase()})`, `Total (${currency.toUpperCase()})`, 'Gifts'],
      rows: months.map((m) => [m.month, csvAmount(m.oneTime), csvAmount(m.recurring), csvAmount(m.total), m.gifts]),
    } satisfies ReportTable,
  };
}
