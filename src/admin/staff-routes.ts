import express, { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Db } from '../db/knex';
import { ConflictError, NotFoundError, ValidationError, type FieldError } from '../lib/errors';
import { printable } from '../lib/text';
import { formatDateInTimeZone } from '../receipts/receipt-view';
import type { SettingsCache } from '../settings/settings';
import { recordAudit } from './audit-log';
import { requireRole } from './staff-sessions';
import { createStaffUser, findStaff, listStaff, setStaffDisabled, setStaffPassword, STAFF_ROLES } from './staff-users';

const recordId = z.uuid();

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
  router.use('/admin/staff', requireRole('admin'));

  const render = async (req: Request, res: Response, status: number, errors: FieldError[], values: Record<string, string> = {}) => {
    const timezone = (await deps.settings.get()).organization.timezone;
    const accounts = (await listStaff(deps.db)).map((s) => ({
      ...s,
      you: s.id === req.staff!.id,
      lastSignIn: s.last_sign_in_at ? formatDateInTimeZone(s.last_sign_in_at, timezone) : 'never',
    }));
    res.locals.section = 'staff';
    const notice = typeof req.query.done === 'string' ? (NOTICES[req.query.done] ?? null) : null;
    res.status(status).render('admin/staff', { title: `${errors.length ? 'Error: ' : ''}Staff`, accounts, roles: STAFF_ROLES, errors, values, notice });
  };

  router.get('/admin/staff', (req, res) => render(req, res, 200, []));

  router.post('/admin/staff', form, async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const text = (key: string) => {
      const parsed = printable.max(1000).safeParse(body[key] ?? '');
      return parsed.success ? parsed.data : '';
    };
    const values = { email: text('email').trim(), name: text('name').trim(), role: text('role') };
    try {
      const created = await deps.db.transaction(async (trx) => {
        const staff = await createStaffUser(trx, { ...values, password: text('password') });
        await recordAudit(trx, { actorId: req.staff!.id, action: 'staff.created', subjectType: 'admin_user', subjectId: staff.id, detail: { role: staff.role, via: 'console' } });
        return staff;
      });
      res.redirect(303, `/admin/staff?done=added#staff-${created.id}`);
    } catch (error) {
      if (error instanceof ValidationError) return render(req, res, 422, error.fields, values);
      if (error instanceof ConflictError) return render(req, res, 422, [{ field: 'email', message: error.message }], values);
      throw error;
    }
  });

  const target = async (req: Request) => {
    const id = String(req.params.id);
    const staff = recordId.safeParse(id).success ? await findStaff(deps.db, id) : null;
    if (!staff) throw new NotFoundError('No staff account with that id');
    return staff;
  };

  router.post('/admin/staff/:id/disable', async (req, res) => {
    const staff = await target(req);
    // Also keeps the console from losing its last admin: the one acting stays.
    if (staff.id === req.staff!.id) return render(req, res, 422, [{ field: 'staff', message: 'You cannot disable your own account.' }]);
    await deps.db.transaction(async (trx) => {
      await setStaffDisabled(trx, staff.id, true);
      await recordAudit(trx, { actorId: req.staff!.id, action: 'staff.disabled', subjectType: 'admin_user', subjectId: staff.id });
    });
    res.redirect(303, '/admin/staff?done=disabled');
  });

  router.post('/admin/staff/:id/enable', async (req, res) => {
    const staff = await target(req);
    await deps.db.transaction(async (trx) => {
      await setStaffDisabled(trx, staff.id, false);
      await recordAudit(trx, { actorId: req.staff!.id, action: 'staff.enabled', subjectType: 'admin_user', subjectId: staff.id });
    });
    res.redirect(303, '/admin/staff?done=enabled');
  });

  router.post('/admin/staff/:id/password', form, async (req, res) => {
    const staff = await target(req);
    const password = printable.max(1000).safeParse((req.body ?? {}).password);
    try {
      await deps.db.transaction(async (trx) => {
        await setStaffPassword(trx, staff.id, password.success ? password.data : '');
        await recordAudit(trx, { actorId: req.staff!.id, action: 'staff.password_changed', subjectType: 'admin_user', subjectId: staff.id });
      });
    } catch (error) {
      if (error instanceof ValidationError) return render(req, res, 422, error.fields.map((f) => ({ ...f, field: `password-${staff.id}` })));
      throw error;
    }
    res.redirect(303, '/admin/staff?done=password');
  });

  return router;
}
