import { Router, type Request } from 'express';
import type { Knex } from 'knex';
import type { z } from 'zod';
import { validate } from '../../http/validate';
import { BadRequestError, ValidationError } from '../../lib/errors';
import { levelRange } from '../../members/levels';
import type { Settings, SettingsCache } from '../../settings/settings';
import { todayInTimeZone } from '../report-period';
import { requireAccess } from '../staff-sessions';
import { donationsExportQuery } from './donations-export-queries';
import { donorsExportQuery } from './donors-export-queries';
import { donationsExportRequest, donorsExportRequest, membershipsExportRequest, yearEndExportRequest } from './export-schemas';
import { copyCsvSql, inlinedSql } from './export-sql';
import { buildExportsView } from './exports-view';
import { membershipsExportQuery } from './memberships-export-queries';
import { streamExport } from './stream-export';
import { yearEndExportQuery } from './year-end-export-queries';

/**
 * `/admin/exports`: the page of forms, and the four CSV files, each also
 * reachable by URL (docs and scripts link them). Finance and admin only
 * (roles.ts `exports`): every file names donors.
 */
export function exportRouter(deps: { db: Knex; settings: SettingsCache }): Router {
  const router = Router();
  const { db } = deps;
  const today = (settings: Settings) => todayInTimeZone(new Date(), settings.organization.timezone);

  router.get('/admin/exports', requireAccess('exports'), async (_req, res) => {
    const settings = await deps.settings.get();
    res.locals.section = 'exports';
    res.render('admin/exports', buildExportsView(settings, today(settings)));
  });

  router.get('/admin/exports/donors.csv', requireAccess('exports'), async (req, res) => {
    const settings = await deps.settings.get();
    const { from, to, q, level, membership, who, bom } = parseQuery(donorsExportRequest(today(settings)), req);
    const yearlyRange = level ? levelRange(level, settings.membership_levels) : null;
    if (level && !yearlyRange) throw new BadRequestError(`level: there is no level called "${level}"`, 'invalid_export_request');
    const query = donorsExportQuery(db, {
      period: { from, to },
      timezone: settings.organization.timezone,
      currency: settings.giving.currency,
      levels: settings.membership_levels,
      q,
      yearlyRange,
      membership,
      who,
      now: new Date(),
    });
    const filters = { from, to, q, level, membership, who };
    await streamExport(db, req.staff!.id, { file: 'donors.csv', filename: `donors-${from}-to-${to}.csv`, copySql: copyCsvSql(inlinedSql(db, query)), filters, bom }, res);
  });

  router.get('/admin/exports/donations.csv', requireAccess('exports'), async (req, res) => {
    const settings = await deps.settings.get();
    const { from, to, status, frequency, campaign, bom } = parseQuery(donationsExportRequest(today(settings)), req);
    const query = donationsExportQuery(db, { period: { from, to }, timezone: settings.organization.timezone, status, frequency, campaign });
    const filters = { from, to, status, frequency, campaign };
    await streamExport(db, req.staff!.id, { file: 'donations.csv', filename: `donations-${from}-to-${to}.csv`, copySql: copyCsvSql(inlinedSql(db, query)), filters, bom }, res);
  });

  router.get('/admin/exports/memberships.csv', requireAccess('exports'), async (req, res) => {
    const settings = await deps.settings.get();
    const { from, to, status, bom } = parseQuery(membershipsExportRequest(today(settings)), req);
    const query = membershipsExportQuery(db, { period: { from, to }, timezone: settings.organization.timezone, status });
    const filters = { from, to, status };
    await streamExport(db, req.staff!.id, { file: 'memberships.csv', filename: `memberships-${from}-to-${to}.csv`, copySql: copyCsvSql(inlinedSql(db, query)), filters, bom }, res);
  });

  router.get('/admin/exports/year-end.csv', requireAccess('exports'), async (req, res) => {
    const settings = await deps.settings.get();
    const { year, bom } = parseQuery(yearEndExportRequest, req);
    const query = yearEndExportQuery(db, { year, timezone: settings.organization.timezone });
    await streamExport(db, req.staff!.id, { file: 'year-end.csv', filename: `year-end-${year}.csv`, copySql: copyCsvSql(inlinedSql(db, query)), filters: { year }, bom }, res);
  });

  return router;
}

/** A download URL with a bad field is a bad request (400), named field by field; nothing is written. */
function parseQuery<Schema extends z.ZodType>(schema: Schema, req: Request): z.output<Schema> {
  try {
    return validate(schema, req.query, 'That export could not be made');
  } catch (error) {
    if (error instanceof ValidationError) throw new BadRequestError(error.message, 'invalid_export_request');
    throw error;
  }
}
