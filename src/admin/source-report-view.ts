import type { Db } from '../db/knex';
import { csvAmount } from '../lib/csv';
import { formatMoney } from '../lib/money';
import type { Settings } from '../settings/settings';
import { horizontalBarChart } from './charts/horizontal-bar-chart';
import type { ReportTable } from './export-report';
import { formatCalendarDate, type ReportPeriod } from './report-period';
import { SOURCE_DIMENSIONS, sourceTotals, topSourceRows, type SourceDimension, type SourceRow, type SourceTotals } from './source-report-queries';

/** The page lists this many sources (the file has them all); the chart the first few. */
export const SOURCES_LISTED = 50;
const SOURCES_CHARTED = 10;

const DIMENSIONS: Record<SourceDimension, { tab: string; row: string; plural: string }> = {
  story: { tab: 'Stories', row: 'Story', plural: 'stories' },
  campaign: { tab: 'Campaigns', row: 'Campaign', plural: 'campaigns' },
  utm_source: { tab: 'UTM source', row: 'UTM source', plural: 'UTM sources' },
  utm_campaign: { tab: 'UTM campaign', row: 'UTM campaign', plural: 'UTM campaigns' },
};

export interface SourceReportQuery extends ReportPeriod {
  by: SourceDimension;
}

export interface SourceReportFacts {
  query: SourceReportQuery;
  currency: string;
  rows: SourceRow[];
  totals: SourceTotals;
}

/** `all` for the CSV file: every source rather than the first page. */
export async function loadSourceReportView(db: Db, query: SourceReportQuery, settings: Settings, options: { all: boolean }) {
  const criteria = { dimension: query.by, currency: settings.giving.currency, timezone: settings.organization.timezone, period: { from: query.from, to: query.to } };
  const [rows, totals] = await Promise.all([topSourceRows(db, criteria, options.all ? null : SOURCES_LISTED), sourceTotals(db, criteria)]);
  return buildSourceReportView({ query, currency: settings.giving.currency, rows, totals });
}

export function buildSourceReportView({ query, currency, rows, totals }: SourceReportFacts) {
  const money = (minor: number) => formatMoney(minor, currency);
  const dimension = DIMENSIONS[query.by];
  const period = { from: query.from, to: query.to };
  const periodLabel = `${formatCalendarDate(period.from)} to ${formatCalendarDate(period.to)}`;
  const labelOf = (row: SourceRow) => row.title ?? row.key;
  const sources = Number(totals.rows);
  const charted = rows.slice(0, SOURCES_CHARTED);

  return {
    title: `Top sources: ${dimension.tab}`,
    path: '/admin/reports/sources',
    by: query.by,
    dimension,
    period: { ...period, label: periodLabel },
    tabs: SOURCE_DIMENSIONS.map((by) => ({ by, label: DIMENSIONS[by].tab, current: by === query.by, href: `/admin/reports/sources?${new URLSearchParams({ by, ...period })}` })),
    sources,
    listed: Math.min(rows.length, SOURCES_LISTED),
    chart: horizontalBarChart({
      id: 'sources-chart',
      title: `Revenue by ${dimension.row.toLowerCase()}, ${periodLabel}: the top ${charted.length}`,
      description:
        charted.length > 0
          ? `${labelOf(charted[0]!)} raised most, ${money(Number(charted[0]!.revenue))}. ${money(Number(totals.revenue))} of ${money(Number(totals.all_revenue))} given in the period came with a ${dimension.row.toLowerCase()}.`
          : `No gift in the period came with a ${dimension.row.toLowerCase()}.`,
      bars: charted.map((row) => ({ label: labelOf(row), value: Number(row.revenue) })),
      format: (minor) => formatMoney(minor, currency, { compact: true }),
    }),
    rows: rows.slice(0, SOURCES_LISTED).map((row) => ({
      key: row.key,
      label: labelOf(row),
      url: query.by === 'story' ? row.key : null,
      revenue: money(Number(row.revenue)),
      gifts: Number(row.gifts),
      donors: Number(row.donors),
    })),
    totals: { revenue: money(Number(totals.revenue)), gifts: Number(totals.gifts), donors: Number(totals.donors) },
    everything: { revenue: money(Number(totals.all_revenue)), gifts: Number(totals.all_gifts), donors: Number(totals.all_donors) },
    csvHref: `/admin/reports/sources?${new URLSearchParams({ by: query.by, ...period, format: 'csv' })}`,
    csv: {
      filename: `sources-${query.by.replace('_', '-')}-${period.from}-to-${period.to}.csv`,
      header: [...(query.by === 'story' ? ['Story URL', 'Headline'] : [dimension.row]), `Revenue (${currency.toUpperCase()})`, 'Gifts', 'Donors'],
      rows: rows.map((row) => [...(query.by === 'story' ? [row.key, row.title] : [row.key]), csvAmount(Number(row.revenue)), Number(row.gifts), Number(row.donors)]),
    } satisfies ReportTable,
  };
}
