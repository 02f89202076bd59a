import type { ConsoleArea } from './roles';

/**
 * Every report page, in the order the reports index and the reports'
 * sub-navigation list them, with the console area each needs (roles.ts):
 * a role is shown only the reports it may open.
 */
export interface ReportPage {
  path: string;
  title: string;
  summary: string;
  area: ConsoleArea;
}

export const REPORT_PAGES: readonly ReportPage[] = [
  { path: '/admin/reports/revenue', title: 'Revenue by month', summary: 'Money given each month, one-time and recurring, net of refunds; this month against last month and last year.', area: 'reports' },
  { path: '/admin/reports/members', title: 'Members', summary: 'Active members and monthly recurring revenue over time; who joined, recovered, cancelled or lapsed; churn and retention by signup month.', area: 'reports' },
  { path: '/admin/reports/gifts-by-size', title: 'Gift sizes', summary: 'How gifts are spread across sizes, average and median gift, first-time and returning donors.', area: 'reports' },
  { path: '/admin/reports/sources', title: 'Top sources', summary: 'Revenue, gifts and donors by story, campaign, UTM source and UTM campaign.', area: 'reports' },
  { path: '/admin/reports/stories', title: 'Revenue by story', summary: 'Every story that won a gift or a member, sortable, with lifetime revenue.', area: 'story_report' },
  { path: '/admin/reports/campaigns', title: 'Revenue by campaign', summary: 'Every campaign, sortable, with lifetime revenue.', area: 'reports' },
];
