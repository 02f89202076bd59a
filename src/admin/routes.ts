import express, { Router, type Response } from 'express';
import { z } from 'zod';
import type { Db } from '../db/knex';
import { refuseCrossSitePosts } from '../http/same-origin-posts';
import { NotFoundError, ValidationError } from '../lib/errors';
import { renderReceiptPdf } from '../receipts/receipt-pdf';
import { loadReceiptView } from '../receipts/receipt-view';
import { writeSetting, type SettingsCache } from '../settings/settings';
import { recordAudit } from './audit-log';
import { auditPage, auditQuery } from './audit-page';
import { staffAuthRouter } from './auth-routes';
import { dashboardModel } from './dashboard';
import { donorDetail } from './donor-detail';
import { donorSearchQuery, MEMBERSHIP_FILTERS, searchDonors, SORTS } from './donor-search';
import { LEVEL_ROWS, levelFormRows, levelsAsRows, parseLevelRows, type LevelFormRow } from './level-settings';
import { staffRouter } from './staff-routes';
import { findStaffSession, requireRole, requireStaff, staffSessionCookie } from './staff-sessions';

export interface AdminDeps {
  db: Db;
  settings: SettingsCache;
  baseUrl: string;
  /** See StaffAuthDeps.setupToken. */
  setupToken: string | null;
}

const recordId = z.uuid();

/** `/admin`: the staff console. Every page but sign-in needs a staff session. */
export function adminRouter(deps: AdminDeps): Router {
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 40 });
  const cookie = staffSessionCookie(deps.baseUrl.startsWith('https://'));

  router.use('/admin', async (req, res, next) => {
    // Donor records: never kept by a browser cache or shared proxy, never indexed.
    res.setHeader('Cache-Control', 'private, no-store');
    res.setHeader('X-Robots-Tag', 'noindex, nofollow');
    const token = cookie.read(req);
    if (token) req.staff = (await findStaffSession(deps.db, token)) ?? undefined;
    res.locals.staff = req.staff ?? null;
    res.locals.section = '';
    next();
  });
  router.post('/admin{/*rest}', refuseCrossSitePosts(deps.baseUrl));
  router.use(staffAuthRouter(deps));
  router.use('/admin', requireStaff);

  router.get('/admin', async (_req, res) => {
    res.locals.section = 'dashboard';
    res.render('admin/dashboard', await dashboardModel(deps.db, await deps.settings.get()));
  });

  router.get('/admin/donors', async (req, res) => {
    const parsed = donorSearchQuery.safeParse(req.query);
    if (!parsed.success) {
      const fields = parsed.error.issues.map((i) => ({ field: String(i.path[0] ?? 'query'), message: `${String(i.path[0] ?? 'query')}: ${i.message}` }));
      throw new ValidationError(fields, `That search could not be read (${fields.map((f) => f.message).join('; ')})`);
    }
    const settings = await deps.settings.get();
    const result = await searchDonors(deps.db, parsed.data, settings);
    res.locals.section = 'donors';
    res.render('admin/donors', {
      title: parsed.data.q ? `Donors matching "${parsed.data.q}"` : 'Donors',
      search: parsed.data,
      result,
      levels: settings.membership_levels.map((l) => l.name),
      membershipFilters: MEMBERSHIP_FILTERS,
      sorts: SORTS,
      pageHref: (page: number) => `/admin/donors?${new URLSearchParams({ ...stringValues(parsed.data), page: String(page) })}`,
    });
  });

  router.get('/admin/donors/:id', async (req, res) => {
    const id = String(req.params.id);
    const donor = recordId.safeParse(id).success ? await donorDetail(deps.db, id, await deps.settings.get()) : null;
    if (!donor) throw new NotFoundError('No donor with that id');
    await recordAudit(deps.db, { actorId: req.staff!.id, action: 'donor.viewed', subjectType: 'donor', subjectId: id });
    res.locals.section = 'donors';
    res.render('admin/donor', { title: donor.name ?? donor.email, donor });
  });

  router.get('/admin/receipts/:file', async (req, res) => {
    const number = /^(\d{4}-\d{6})\.pdf$/.exec(String(req.params.file))?.[1];
    const receipt: { id: string } | undefined = number ? await deps.db('receipts').where({ number }).first('id') : undefined;
    if (!receipt) throw new NotFoundError('No such receipt');
    const view = await loadReceiptView(deps.db, receipt.id, await deps.settings.get());
    await recordAudit(deps.db, { actorId: req.staff!.id, action: 'receipt.downloaded', subjectType: 'receipt', subjectId: receipt.id });
    res.type('application/pdf');
    res.attachment(view.pdfFilename);
    res.send(await renderReceiptPdf(view));
  });

  router.use(staffRouter(deps));

  router.get('/admin/audit', requireRole('admin'), async (req, res) => {
    const parsed = auditQuery.safeParse(req.query);
    if (!parsed.success) throw new ValidationError([{ field: 'before', message: 'before: must be an entry number' }], 'That page of the audit log could not be read (before: must be an entry number)');
    const settings = await deps.settings.get();
    res.locals.section = 'audit';
    res.render('admin/audit', { title: 'Audit log', ...(await auditPage(deps.db, parsed.data.before, settings.organization.timezone)) });
  });

  router.get('/admin/settings/levels', requireRole('admin'), async (_req, res) => {
    renderLevels(res, 200, levelsAsRows((await deps.settings.get()).membership_levels), [], null);
  });

  router.post('/admin/settings/levels', requireRole('admin'), form, async (req, res) => {
    const rows = levelFormRows(req.body ?? {});
    const { levels, errors } = parseLevelRows(rows);
    if (errors.length > 0) return renderLevels(res, 422, rows, errors, null);
    const before = (await deps.settings.get()).membership_levels;
    await deps.db.transaction(async (trx) => {
      await writeSetting(trx, 'membership_levels', levels);
      await recordAudit(trx, { actorId: req.staff!.id, action: 'settings.changed', subjectType: 'settings', subjectId: 'membership_levels', detail: { before, after: levels } });
    });
    deps.settings.invalidate();
    renderLevels(res, 200, levelsAsRows(levels), [], 'Levels saved. Donors’ levels use them from now on.');
  });

  return router;
}

function renderLevels(res: Response, status: number, rows: LevelFormRow[], errors: { field: string; message: string }[], notice: string | null) {
  res.locals.section = 'settings';
  const padded = [...rows, ...Array.from({ length: Math.max(0, LEVEL_ROWS - rows.length) }, () => ({ name: '', min: '' }))];
  res.status(status).render('admin/settings-levels', { title: `${errors.length ? 'Error: ' : ''}Membership levels`, rows: padded, errors, notice });
}

function stringValues(search: Record<string, string | number>): Record<string, string> {
  return Object.fromEntries(Object.entries(search).filter(([, v]) => v !== '').map(([k, v]) => [k, String(v)]));
}
