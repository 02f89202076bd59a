import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Db } from '../db/knex';
import { validate } from '../http/validate';
import { printable } from '../lib/text';
import type { Settings, SettingsCache } from '../settings/settings';
import { chartReportRouter } from './chart-report-routes';
import { REPORT_PAGES } from './report-catalogue';
import { loadReportGiftsView } from './report-gifts-view';
import { mayUse } from './roles';
import { requireAccess } from './staff-sessions';
import { todayInTimeZone, withReportPeriod } from './report-period';
import { REPORT_SORT_KEYS, type ReportDimension } from './revenue-report-queries';
import { loadRevenueReportView } from './revenue-report-view';

const page = z.coerce.number().int().min(1).max(100_000).default(1);

/** `?from=&to=&sort=&dir=&page=`: the period in the organisation's zone, and a sort from a fixed list. */
export function revenueReportQuery(today: string) {
  return withReportPeriod({ sort: z.enum(REPORT_SORT_KEYS).default('revenue'), dir: z.enum(['asc', 'desc']).default('desc'), page }, today);
}

/** `?article_url=` or `?campaign=` (exactly one), with the period and a page. */
export function reportGiftsQuery(today: string) {
  return withReportPeriod(
    { article_url: printable.min(1).max(2048).optional(), campaign: printable.min(1).max(200).optional(), page },
    today,
  ).superRefine((query, ctx) => {
    if ((query.article_url === undefined) === (query.campaign === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['article_url'], message: 'give either article_url or campaign' });
    }
  });
}

/**
 * `/admin/reports/*`: revenue by story (every role, the newsroom included)
 * and by campaign, and the gifts behind each row (roles that see donors);
 * the chart reports (chart-report-routes.ts); and the index of them all.
 */
export function reportRouter(deps: { db: Db; settings: SettingsCache }): Router {
  const router = Router();

  // Every report page shows the reports' sub-navigation (each entry only to a role that may open it), styled by its own sheet.
  router.use('/admin/reports', (_req, res, next) => {
    res.locals.reportPages = REPORT_PAGES;
    res.locals.stylesheets = ['/static/report-charts.css'];
    next();
  });

  const today = (settings: Settings) => todayInTimeZone(new Date(), settings.organization.timezone);

  const report = (dimension: ReportDimension) => async (req: Request, res: Response) => {
    const settings = await deps.settings.get();
    const query = validate(revenueReportQuery(today(settings)), req.query, 'That report could not be read');
    res.locals.section = 'reports';
    res.render('admin/report', await loadRevenueReportView(deps.db, dimension, query, settings));
  };

  // A role with one report (the newsroom's and staff's revenue by story) goes straight to it.
  router.get('/admin/reports', requireAccess('story_report'), (req, res) => {
    if (!mayUse(req.staff!.role, 'reports')) return res.redirect(303, '/admin/reports/stories');
    res.locals.section = 'reports';
    res.render('admin/reports', { title: 'Reports', reports: REPORT_PAGES.filter((r) => mayUse(req.staff!.role, r.area)) });
  });
  router.get('/admin/reports/stories', requireAccess('story_report'), report('story'));
  router.get('/admin/reports/campaigns', requireAccess('reports'), report('campaign'));

  // Names the givers: not for the newsroom.
  router.get('/admin/reports/gifts', requireAccess('donor_identities'), async (req, res) => {
    const settings = await deps.settings.get();
    const query = validate(reportGiftsQuery(today(settings)), req.query, 'That list of gifts could not be read');
    const dimension: ReportDimension = query.article_url !== undefined ? 'story' : 'campaign';
    const key = query.article_url ?? query.campaign!;
    res.locals.section = 'reports';
    res.render('admin/report-gifts', await loadReportGiftsView(deps.db, { dimension, key, from: query.from, to: query.to, page: query.page }, settings));
  });

  router.use(chartReportRouter(deps));

  return router;
}
