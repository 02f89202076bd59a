import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Db } from '../db/knex';
import { validate } from '../http/validate';
import type { Settings, SettingsCache } from '../settings/settings';
import { exportReport, type ReportTable } from './export-report';
import { loadGiftSizeView } from './gift-size-report-view';
import { loadMemberReportView } from './member-report-view';
import { monthOfDate, withReportMonths } from './report-months';
import { todayInTimeZone, withReportPeriod } from './report-period';
import { loadRevenueByMonthView } from './revenue-by-month-view';
import { SOURCE_DIMENSIONS } from './source-report-queries';
import { loadSourceReportView } from './source-report-view';
import { requireAccess } from './staff-sessions';

/** Every chart report answers its page, or its table as a CSV file (`format=csv`, `bom=1` for Excel). */
const file = {
  format: z.enum(['html', 'csv']).default('html'),
  bom: z.enum(['0', '1']).default('0'),
};

export function revenueByMonthQuery(thisMonth: string) {
  return withReportMonths(file, thisMonth);
}

export function memberReportQuery(thisMonth: string) {
  return withReportMonths({ ...file, table: z.enum(['months', 'cohorts']).default('months') }, thisMonth);
}

export function giftSizeQuery(today: string) {
  return withReportPeriod(file, today);
}

export function sourceReportQuery(today: string) {
  return withReportPeriod({ ...file, by: z.enum(SOURCE_DIMENSIONS).default('story') }, today);
}

type FileQuery = { format: 'html' | 'csv'; bom: '0' | '1' };

/**
 * `/admin/reports/revenue`, `members`, `gifts-by-size` and `sources`: charts
 * over a period, each with its data table, for the roles that see reports
 * (roles.ts `reports`). All four read aggregates only.
 */
export function chartReportRouter(deps: { db: Db; settings: SettingsCache }): Router {
  const router = Router();
  const today = (settings: Settings) => todayInTimeZone(new Date(), settings.organization.timezone);

  /** The page, or its table as a file: the file's filters are the query the page was read with. */
  async function answer(req: Request, res: Response, report: string, query: FileQuery, filters: Record<string, string | number>, view: { csv: ReportTable }, template: string) {
    if (query.format === 'csv') {
      const { filename, body } = await exportReport(deps.db, req.staff!.id, { report, filters, table: view.csv, bom: query.bom === '1' });
      res.attachment(filename);
      res.type('text/csv; charset=utf-8');
      res.send(body);
      return;
    }
    res.locals.section = 'reports';
    res.render(template, view);
  }

  router.get('/admin/reports/revenue', requireAccess('reports'), async (req, res) => {
    const settings = await deps.settings.get();
    const thisMonth = monthOfDate(today(settings));
    const query = validate(revenueByMonthQuery(thisMonth), req.query, 'That report could not be read');
    const view = await loadRevenueByMonthView(deps.db, query, settings, thisMonth);
    await answer(req, res, 'revenue', query, { months: query.months, end: query.end }, view, 'admin/report-revenue');
  });

  router.get('/admin/reports/members', requireAccess('reports'), async (req, res) => {
    const settings = await deps.settings.get();
    const thisMonth = monthOfDate(today(settings));
    const query = validate(memberReportQuery(thisMonth), req.query, 'That report could not be read');
    const view = await loadMemberReportView(deps.db, query, settings, thisMonth);
    await answer(req, res, 'members', query, { months: query.months, end: query.end, table: query.table }, view, 'admin/report-members');
  });

  router.get('/admin/reports/gifts-by-size', requireAccess('reports'), async (req, res) => {
    const settings = await deps.settings.get();
    const query = validate(giftSizeQuery(today(settings)), req.query, 'That report could not be read');
    const view = await loadGiftSizeView(deps.db, { from: query.from, to: query.to }, settings);
    await answer(req, res, 'gifts-by-size', query, { from: query.from, to: query.to }, view, 'admin/report-gifts-by-size');
  });

  router.get('/admin/reports/sources', requireAccess('reports'), async (req, res) => {
    const settings = await deps.settings.get();
    const query = validate(sourceReportQuery(today(settings)), req.query, 'That report could not be read');
    const view = await loadSourceReportView(deps.db, query, settings, { all: query.format === 'csv' });
    await answer(req, res, 'sources', query, { by: query.by, from: query.from, to: query.to }, view, 'admin/report-sources');
  });

  return router;
}
