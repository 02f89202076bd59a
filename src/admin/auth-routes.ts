import express, { Router } from 'express';
import { z } from 'zod';
import type { Db } from '../db/knex';
import { validate } from '../http/validate';
import { NotFoundError, ValidationError } from '../lib/errors';
import { printable } from '../lib/text';
import { sameToken } from '../lib/tokens';
import { addFirstAdmin } from './add-first-admin';
import { signInStaff } from './sign-in-staff';
import { signOutStaff } from './sign-out-staff';
import { countStaffUsers } from './staff-queries';
import { staffSessionCookie, startStaffSession } from './staff-sessions';

export interface StaffAuthDeps {
  db: Db;
  baseUrl: string;
  /**
   * The secret of the first-account setup link, random per process and printed
   * to the terminal at startup; null (no setup) in production. It is never
   * derived from SESSION_SECRET, whose development default is public.
   */
  setupToken: string | null;
}

const WRONG_CREDENTIALS = 'That email and password do not match an active staff account.';

const signInBody = z.object({
  email: printable.max(254),
  password: printable.max(1000),
  // An over-long or odd `next` is dropped, never a reason to refuse the sign-in.
  next: z.string().max(2000).optional().catch(undefined),
});

const setupBody = z.object({
  token: z.string().max(200),
  email: printable.max(254),
  name: printable.max(200).optional(),
  password: printable.max(1000),
  password_confirmation: printable.max(1000),
});

/** The link that creates the first staff account; it works only while there is none. */
export function setupLink(baseUrl: string, setupToken: string): string {
  return `${baseUrl}/admin/setup?token=${setupToken}`;
}

/** Only our own console pages: `next` must never send a freshly signed-in user off-site. */
function safeNext(next: string | undefined): string {
  return next && /^\/admin(?:[/?#]|$)/.test(next) && !next.startsWith('//') ? next : '/admin';
}

/** `/admin/sign-in`, `/admin/sign-out`, `/admin/setup`: the console's front door. */
export function staffAuthRouter(deps: StaffAuthDeps): Router {
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '8kb', parameterLimit: 10 });
  const cookie = staffSessionCookie(deps.baseUrl.startsWith('https://'));

  const renderSignIn = async (res: express.Response, status: number, fields: { email: string; next: string; error: string | null }) => {
    const noStaffYet = (await countStaffUsers(deps.db)) === 0;
    res.status(status).render('admin/sign-in', { title: 'Staff sign-in', ...fields, noStaffYet: noStaffYet && deps.setupToken !== null });
  };

  router.get('/admin/sign-in', async (req, res) => {
    if (req.staff) return res.redirect(303, '/admin');
    await renderSignIn(res, 200, { email: '', next: safeNext(typeof req.query.next === 'string' ? req.query.next : undefined), error: null });
  });

  router.post('/admin/sign-in', form, async (req, res) => {
    const { email, password, next: asked } = validate(signInBody, req.body, 'Enter your email and password');
    const next = safeNext(asked);
    const session = await signInStaff(deps.db, { email, password, ip: req.ip });
    if (!session) return renderSignIn(res, 401, { email, next, error: WRONG_CREDENTIALS });
    cookie.set(res, session.token, session.expiresAt);
    res.redirect(303, next);
  });

  router.post('/admin/sign-out', async (req, res) => {
    await signOutStaff(deps.db, cookie.read(req), req.staff?.id ?? null);
    cookie.clear(res);
    res.redirect(303, '/admin/sign-in');
  });

  const checkSetup = async (token: unknown) => {
    const valid = deps.setupToken !== null && typeof token === 'string' && sameToken(token, deps.setupToken);
    if (!valid || (await countStaffUsers(deps.db)) > 0) {
      throw new NotFoundError('No setup is waiting. Sign in, or ask an admin for an account.');
    }
  };

  router.get('/admin/setup', async (req, res) => {
    await checkSetup(req.query.token);
    res.render('admin/setup', { title: 'Create the first staff account', token: req.query.token, values: {}, errors: [] });
  });

  router.post('/admin/setup', form, async (req, res) => {
    const input = validate(setupBody, req.body, 'Fill in every field');
    await checkSetup(input.token);
    const render422 = (errors: { field: string; message: string }[]) =>
      res.status(422).render('admin/setup', {
        title: 'Error: Create the first staff account',
        token: input.token,
        values: { email: input.email, name: input.name ?? '' },
        errors,
      });
    if (input.password !== input.password_confirmation) {
      return render422([{ field: 'password_confirmation', message: 'The two passwords are not the same' }]);
    }
    let staffId: string;
    try {
      staffId = (await addFirstAdmin(deps.db, { email: input.email, name: input.name, password: input.password })).id;
    } catch (error) {
      if (error instanceof ValidationError) return render422(error.fields);
      throw error;
    }
    const session = await startStaffSession(deps.db, staffId);
    cookie.set(res, session.token, session.expiresAt);
    res.redirect(303, '/admin');
  });

  return router;
}
