import express, { Router, type Request, type Response } from 'express';
import type { Db } from '../db/knex';
import { ConflictError, NotFoundError, ValidationError, type FieldError } from '../lib/errors';
import { formatDateInTimeZone } from '../receipts/receipt-view';
import type { SettingsCache } from '../settings/settings';
import { addStaff } from './add-staff';
import { disableStaff, enableStaff } from './change-staff-access';
import { setStaffPassword } from './set-staff-password';
import { newStaffFields, passwordField } from './staff-form';
import { findStaff, listStaff } from './staff-queries';
import { ROLE_DESCRIPTIONS } from './roles';
import { requireAccess } from './staff-sessions';
import { STAFF_ROLES } from './staff-users';

const NOTICES: Record<string, string> = {
  added: 'Staff account added. Give them their password in person or by phone, not by email.',
  disabled: 'Account disabled and signed out everywhere.',
  enabled: 'Account enabled.',
  password: 'Password changed. That account was signed out everywhere.',
};

/** `/admin/staff`: admins add staff, disable or enable them, and set a new password. */
export function staffRouter(deps: { db: Db; settings: SettingsCache }): Router {
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '8kb', parameterLimit: 10 });
  router.use('/admin/staff', requireAccess('manage'));

  const render = async (req: Request, res: Response, status: number, errors: FieldError[], values: Record<string, string> = {}) => {
    const timezone = (await deps.settings.get()).organization.timezone;
    const accounts = (await listStaff(deps.db)).map((s) => ({
      ...s,
      you: s.id === req.staff!.id,
      lastSignIn: s.last_sign_in_at ? formatDateInTimeZone(s.last_sign_in_at, timezone) : 'never',
    }));
    res.locals.section = 'staff';
    const notice = typeof req.query.done === 'string' ? (NOTICES[req.query.done] ?? null) : null;
    res.status(status).render('admin/staff', { title: `${errors.length ? 'Error: ' : ''}Staff`, accounts, roles: STAFF_ROLES, roleDescriptions: ROLE_DESCRIPTIONS, errors, values, notice });
  };

  router.get('/admin/staff', (req, res) => render(req, res, 200, []));

  router.post('/admin/staff', form, async (req, res) => {
    const { password, ...values } = newStaffFields(req.body);
    try {
      const created = await addStaff(deps.db, req.staff!.id, { ...values, password }, 'console');
      res.redirect(303, `/admin/staff?done=added#staff-${created.id}`);
    } catch (error) {
      if (error instanceof ValidationError) return render(req, res, 422, error.fields, values);
      if (error instanceof ConflictError) return render(req, res, 422, [{ field: 'email', message: error.message }], values);
      throw error;
    }
  });

  /** The account in the URL; an unknown or malformed id is a 404. */
  const target = async (req: Request) => {
    const staff = await findStaff(deps.db, String(req.params.id));
    if (!staff) throw new NotFoundError('No staff account with that id');
    return staff;
  };

  router.post('/admin/staff/:id/disable', async (req, res) => {
    const staff = await target(req);
    try {
      await disableStaff(deps.db, req.staff!.id, staff.id);
    } catch (error) {
      if (error instanceof ValidationError) return render(req, res, 422, error.fields);
      throw error;
    }
    res.redirect(303, '/admin/staff?done=disabled');
  });

  router.post('/admin/staff/:id/enable', async (req, res) => {
    const staff = await target(req);
    await enableStaff(deps.db, req.staff!.id, staff.id);
    res.redirect(303, '/admin/staff?done=enabled');
  });

  router.post('/admin/staff/:id/password', form, async (req, res) => {
    const staff = await target(req);
    try {
      await setStaffPassword(deps.db, req.staff!.id, staff.id, passwordField(req.body));
    } catch (error) {
      if (error instanceof ValidationError) return render(req, res, 422, error.fields.map((f) => ({ ...f, field: `password-${staff.id}` })));
      throw error;
    }
    res.redirect(303, '/admin/staff?done=password');
  });

  return router;
}
