import express, { Router, type Response } from 'express';
import type { Knex } from 'knex';
import { refuseCrossSitePosts } from '../http/same-origin-posts';
import { validate } from '../http/validate';
import { NotFoundError } from '../lib/errors';
import type { SettingsCache } from '../settings/settings';
import { auditQuery, loadAuditView } from './audit-view';
import { staffAuthRouter } from './auth-routes';
import { loadDashboardView } from './dashboard';
import { donorSearchQuery, loadDonorSearchView, MEMBERSHIP_FILTERS, SORTS } from './donor-search';
import { downloadReceipt } from './download-receipt';
import { exportRouter } from './exports/export-routes';
import { LEVEL_ROWS, levelFormRows, levelsAsRows, parseLevelRows, type LevelFormRow } from './level-settings';
import { openDonorRecord } from './open-donor-record';
import { reportRouter } from './report-routes';
import { mayUse, type ConsoleArea } from './roles';
import { saveLevels } from './save-levels';
import { staffRouter } from './staff-routes';
import { findStaffSession, requireAccess, requireStaff, staffSessionCookie } from './staff-sessions';

export interface AdminDeps {
  /** The pool: exports hold a connection of their own for the length of a download. */
  db: Knex;
  settings: SettingsCache;
  baseUrl: string;
  /** See StaffAuthDeps.setupToken. */
  setupToken: string | null;
}

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
    // What the signed-in member's role may see: the navigation and pages leave out the rest.
    res.locals.may = (area: ConsoleArea) => (req.staff ? mayUse(req.staff.role, area) : false);
    res.locals.section = '';
    next();
  });
  router.post('/admin{/*rest}', refuseCrossSitePosts(deps.baseUrl));
  router.use(staffAuthRouter(deps));
  router.use('/admin', requireStaff);

  router.get('/admin', requireAccess('dashboard'), async (req, res) => {
    res.locals.section = 'dashboard';
    const namesDonors = mayUse(req.staff!.role, 'donor_identities');
    res.render('admin/dashboard', await loadDashboardView(deps.db, await deps.settings.get(), { namesDonors }));
  });

  router.get('/admin/donors', requireAccess('donor_identities'), async (req, res) => {
    const search = validate(donorSearchQuery, req.query, 'That search could not be read');
    const settings = await deps.settings.get();
    const result = await loadDonorSearchView(deps.db, search, settings);
    res.locals.section = 'donors';
    res.render('admin/donors', {
      title: search.q ? `Donors matching "${search.q}"` : 'Donors',
      search,
      result,
      levels: settings.membership_levels.map((l) => l.name),
      membershipFilters: MEMBERSHIP_FILTERS,
      sorts: SORTS,
      pageHref: (page: number) => `/admin/donors?${new URLSearchParams({ ...stringValues(search), page: String(page) })}`,
    });
  });

  router.get('/admin/donors/:id', requireAccess('donor_identities'), async (req, res) => {
    const donor = await openDonorRecord(deps.db, req.staff!.id, String(req.params.id), await deps.settings.get());
    if (!donor) throw new NotFoundError('No donor with that id');
    res.locals.section = 'donors';
    res.render('admin/donor', { title: donor.name ?? donor.email, donor });
  });

  router.get('/admin/receipts/:file', requireAccess('receipt_files'), async (req, res) => {
    const { filename, pdf } = await downloadReceipt(deps.db, req.staff!.id, String(req.params.file), await deps.settings.get());
    res.type('application/pdf');
    res.attachment(filename);
    res.send(pdf);
  });

  router.use(reportRouter(deps));
  router.use(exportRouter(deps));
  router.use(staffRouter(deps));

  router.get('/admin/audit', requireAccess('manage'), async (req, res) => {
    const { before } = validate(auditQuery, req.query, 'That page of the audit log could not be read');
    const settings = await deps.settings.get();
    res.locals.section = 'audit';
    res.render('admin/audit', { title: 'Audit log', ...(await loadAuditView(deps.db, before, settings.organization.timezone)) });
  });

  router.get('/admin/settings/levels', requireAccess('manage'), async (_req, res) => {
    renderLevels(res, 200, levelsAsRows((await deps.settings.get()).membership_levels), [], null);
  });

  router.post('/admin/settings/levels', requireAccess('manage'), form, async (req, res) => {
    const rows = levelFormRows(req.body ?? {});
    const { levels, errors } = parseLevelRows(rows);
    if (errors.length > 0) return renderLevels(res, 422, rows, errors, null);
    await saveLevels(deps, req.staff!.id, levels);
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
