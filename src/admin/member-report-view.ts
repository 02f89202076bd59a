import type { Db } from '../db/knex';
import { csvAmount } from '../lib/csv';
import { formatMoney } from '../lib/money';
import type { Settings } from '../settings/settings';
import { barChart } from './charts/bar-chart';
import { lineChart } from './charts/line-chart';
import type { ReportTable } from './export-report';
import {
  membershipsByMonth,
  recoveriesByMonth,
  retentionByCohort,
  RETENTION_MONTHS,
  type CohortRow,
  type MembershipMonthRow,
  type RecoveryMonthRow,
} from './monthly-report-queries';
import { addMonths, formatMonth, formatMonthShort, monthsEnding } from './report-months';

export interface MemberReportQuery {
  months: number;
  end: string;
  /** Which table a CSV file holds: the months or the signup cohorts. */
  table: 'months' | 'cohorts';
}

export interface MemberReportFacts {
  query: MemberReportQuery;
  thisMonth: string;
  currency: string;
  months: MembershipMonthRow[];
  recoveries: RecoveryMonthRow[];
  cohorts: CohortRow[];
}

export async function loadMemberReportView(db: Db, query: MemberReportQuery, settings: Settings, thisMonth: string) {
  const range = { first: addMonths(query.end, 1 - query.months), last: query.end, timezone: settings.organization.timezone };
  const currency = settings.giving.currency;
  const [months, recoveries, cohorts] = await Promise.all([membershipsByMonth(db, range, currency), recoveriesByMonth(db, range), retentionByCohort(db, range)]);
  return buildMemberReportView({ query, thisMonth, currency, months, recoveries, cohorts });
}

/** "12.5%": churn and retention to a tenth of a percent. */
function percent(part: number, whole: number): string | null {
  return whole > 0 ? `${(Math.round((part / whole) * 1000) / 10).toFixed(1)}%` : null;
}

export function buildMemberReportView({ query, thisMonth, currency, months: monthRows, recoveries, cohorts }: MemberReportFacts) {
  const money = (minor: number) => formatMoney(minor, currency);
  const rowFor = new Map(monthRows.map((r) => [r.month, r]));
  const recoveredIn = new Map(recoveries.map((r) => [r.month, Number(r.recovered)]));
  const months = monthsEnding(query.end, query.months).map((month) => {
    const row = rowFor.get(month);
    const n = (value: number | string | undefined) => Number(value ?? 0);
    const activeAtStart = n(row?.active_at_start);
    const ended = n(row?.cancelled) + n(row?.lapsed);
    return {
      month,
      label: formatMonth(month),
      short: formatMonthShort(month),
      activeAtStart,
      activeAtEnd: n(row?.active_at_end),
      started: n(row?.started),
      recovered: recoveredIn.get(month) ?? 0,
      cancelled: n(row?.cancelled),
      lapsed: n(row?.lapsed),
      ended,
      churn: activeAtStart > 0 ? ended / activeAtStart : null,
      mrr: n(row?.mrr),
    };
  });
  const span = `${months[0]!.label} to ${months[months.length - 1]!.label}`;
  const last = months[months.length - 1]!;
  const first = months[0]!;
  const categories = months.map((m) => m.short);
  const count = (value: number) => String(value);

  const cohortRows = cohorts.map((c) => {
    const members = Number(c.members);
    return {
      month: c.cohort,
      label: formatMonth(c.cohort),
      members,
      cells: RETENTION_MONTHS.map((after) => {
        // Shown once the whole cohort has reached the mark: its month plus `after` is over.
        const known = addMonths(c.cohort, after) < thisMonth;
        const kept = Number(c[`after_${after}`]);
        const share = known && members > 0 ? kept / members : null;
        return { after, kept: known ? kept : null, percent: share === null ? null : percent(kept, members), heat: share === null ? null : Math.round(share * 10) };
      }),
    };
  });

  return {
    title: 'Members',
    path: '/admin/reports/members',
    query,
    span,
    underway: query.end === thisMonth,
    now: { active: last.activeAtEnd, mrr: money(last.mrr), month: last.label },
    charts: {
      active: lineChart({
        id: 'active-members-chart',
        title: `Active members at the end of each month, ${span}`,
        description: `From ${first.activeAtEnd} at the end of ${first.label} to ${last.activeAtEnd} at the end of ${last.label}.`,
        categories,
        series: [{ name: 'Active members', values: months.map((m) => m.activeAtEnd) }],
        format: count,
      }),
      mrr: lineChart({
        id: 'mrr-chart',
        title: `Monthly recurring revenue at the end of each month, ${span}`,
        description: `From ${money(first.mrr)} at the end of ${first.label} to ${money(last.mrr)} at the end of ${last.label}; yearly memberships at a twelfth.`,
        categories,
        series: [{ name: 'Monthly recurring revenue', values: months.map((m) => m.mrr) }],
        format: (minor) => formatMoney(minor, currency, { compact: true }),
        minStep: 100,
      }),
      movement: barChart({
        id: 'member-movement-chart',
        title: `Memberships started and ended each month, ${span}`,
        description: `${months.reduce((s, m) => s + m.started, 0)} started and ${months.reduce((s, m) => s + m.ended, 0)} ended over these months.`,
        categories,
        series: [
          { name: 'Started', values: months.map((m) => m.started) },
          { name: 'Ended', values: months.map((m) => m.ended) },
        ],
        layout: 'grouped',
        format: count,
      }),
    },
    rows: months.map((m) => ({ ...m, churn: m.churn === null ? null : percent(m.ended, m.activeAtStart), mrr: money(m.mrr) })),
    retentionMonths: RETENTION_MONTHS,
    cohorts: cohortRows,
    csvHref: (table: MemberReportQuery['table']) => `/admin/reports/members?${new URLSearchParams({ months: String(query.months), end: query.end, table, format: 'csv' })}`,
    csv: (query.table === 'cohorts'
      ? {
          filename: `member-retention-${first.month}-to-${query.end}.csv`,
          header: ['Signup month', 'Members', ...RETENTION_MONTHS.map((after) => `Active after ${after} month${after === 1 ? '' : 's'} (%)`)],
          rows: cohortRows.map((c) => [c.month, c.members, ...c.cells.map((cell) => (cell.kept === null || c.members === 0 ? null : Math.round((cell.kept / c.members) * 1000) / 10))]),
        }
      : {
          filename: `members-by-month-${first.month}-to-${query.end}.csv`,
          header: ['Month', 'Active at start', 'Started', 'Recovered', 'Cancelled', 'Lapsed', 'Active at end', 'Churn (%)', `MRR at end (${currency.toUpperCase()})`],
          rows: months.map((m) => [
            m.month,
            m.activeAtStart,
            m.started,
            m.recovered,
            m.cancelled,
            m.lapsed,
            m.activeAtEnd,
            m.churn === null ? null : Math.round(m.churn * 1000) / 10,
            csvAmount(m.mrr),
          ]),
        }) satisfies ReportTable,
  };
}
