import type { Db } from '../db/knex';
import { csvAmount } from '../lib/csv';
import { formatMoney } from '../lib/money';
import type { Settings } from '../settings/settings';
import { barChart } from './charts/bar-chart';
import type { ReportTable } from './export-report';
import { donorsByNovelty, giftsBySize, giftSizeSummary, type DonorNoveltyRow, type GiftSizeBucketRow, type GiftSizeSummaryRow } from './gift-size-report-queries';
import { formatCalendarDate, type ReportPeriod } from './report-period';

/** The bucket bounds in major units: a gift of $25.00 is in "$25–$49.99". */
const BOUNDS_MAJOR = [10, 25, 50, 100, 250, 500, 1000] as const;
const BOUNDS = BOUNDS_MAJOR.map((major) => major * 100);

export interface GiftSizeFacts {
  period: ReportPeriod;
  currency: string;
  buckets: GiftSizeBucketRow[];
  summary: GiftSizeSummaryRow[];
  donors: DonorNoveltyRow[];
}

export async function loadGiftSizeView(db: Db, period: ReportPeriod, settings: Settings) {
  const criteria = { currency: settings.giving.currency, timezone: settings.organization.timezone, period };
  const [buckets, summary, donors] = await Promise.all([giftsBySize(db, criteria, BOUNDS), giftSizeSummary(db, criteria), donorsByNovelty(db, criteria)]);
  return buildGiftSizeView({ period, currency: settings.giving.currency, buckets, summary, donors });
}

/** "Under $10", "$10–$24.99", …, "$1,000 or more". */
function bucketLabels(currency: string): string[] {
  const money = (minor: number) => formatMoney(minor, currency, { compact: true });
  return [
    `Under ${money(BOUNDS[0]!)}`,
    ...BOUNDS.slice(0, -1).map((low, i) => `${money(low)}–${money(BOUNDS[i + 1]! - 1)}`),
    `${money(BOUNDS[BOUNDS.length - 1]!)} or more`,
  ];
}

export function buildGiftSizeView({ period, currency, buckets, summary, donors }: GiftSizeFacts) {
  const money = (minor: number) => formatMoney(minor, currency);
  const labels = bucketLabels(currency);
  const cell = (bucket: number, oneTime: boolean) => buckets.find((b) => Number(b.bucket) === bucket && b.one_time === oneTime);
  const sizes = labels.map((label, bucket) => {
    const once = cell(bucket, true);
    const recurring = cell(bucket, false);
    return {
      label,
      oneTime: Number(once?.gifts ?? 0),
      oneTimeGiven: Number(once?.given ?? 0),
      recurring: Number(recurring?.gifts ?? 0),
      recurringGiven: Number(recurring?.given ?? 0),
    };
  });
  const rounded = (value: number | string | null) => (value === null ? null : Math.round(Number(value)));
  const summaryOf = (oneTime: boolean | null, label: string) => {
    const row = summary.find((s) => s.one_time === oneTime);
    const average = rounded(row?.average ?? null);
    const median = rounded(row?.median ?? null);
    return { label, gifts: Number(row?.gifts ?? 0), given: money(Number(row?.given ?? 0)), average: average === null ? null : money(average), median: median === null ? null : money(median) };
  };
  const noveltyOf = (firstTime: boolean) => {
    const row = donors.find((d) => d.first_time === firstTime);
    return { donors: Number(row?.donors ?? 0), gifts: Number(row?.gifts ?? 0), given: money(Number(row?.given ?? 0)) };
  };
  const periodLabel = `${formatCalendarDate(period.from)} to ${formatCalendarDate(period.to)}`;
  const all = summaryOf(null, 'All gifts');
  const code = currency.toUpperCase();

  return {
    title: 'Gift sizes',
    path: '/admin/reports/gifts-by-size',
    period: { ...period, label: periodLabel },
    summary: [summaryOf(true, 'One-time gifts'), summaryOf(false, 'Membership payments'), all],
    donors: { firstTime: noveltyOf(true), returning: noveltyOf(false) },
    chart: barChart({
      id: 'gift-size-chart',
      title: `Gifts by size, ${periodLabel}`,
      description: `${all.gifts} gifts: one-time gifts and membership payments side by side in each size band${all.median ? `; the median gift was ${all.median}` : ''}.`,
      categories: labels.map((label) => label.replace('Under ', '<').replace(' or more', '+').replace(/\.99/g, '')),
      series: [
        { name: 'One-time', values: sizes.map((s) => s.oneTime) },
        { name: 'Recurring', values: sizes.map((s) => s.recurring) },
      ],
      layout: 'grouped',
      labels: 'slant',
      height: 300,
      format: (value) => String(value),
    }),
    sizes: sizes.map((s) => ({ ...s, oneTimeGiven: money(s.oneTimeGiven), recurringGiven: money(s.recurringGiven), all: s.oneTime + s.recurring })),
    csvHref: `/admin/reports/gifts-by-size?${new URLSearchParams({ from: period.from, to: period.to, format: 'csv' })}`,
    csv: {
      filename: `gifts-by-size-${period.from}-to-${period.to}.csv`,
      header: ['Size', 'One-time gifts', `One-time given (${code})`, 'Membership payments', `Membership payments given (${code})`, 'All gifts'],
      rows: sizes.map((s) => [s.label, s.oneTime, csvAmount(s.oneTimeGiven), s.recurring, csvAmount(s.recurringGiven), s.oneTime + s.recurring]),
    } satisfies ReportTable,
  };
}
