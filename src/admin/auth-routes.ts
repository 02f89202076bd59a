import express, { Router } from 'express';
import { z } from 'zod';
import type { Db } from '../db/knex';
import { endSession } from '../http/sessions';
import { NotFoundError, TooManyRequestsError, ValidationError } from '../lib/errors';
import { clearRateLimit, hitRateLimit, rateLimitReached } from '../lib/rate-limit-queries';
import { printable } from '../lib/text';
import { hashToken, sameToken } from '../lib/tokens';
import { recordAudit } from './audit-log';
import { createStaffSession, staffSessionCookie } from './staff-sessions';
import { authenticateStaff, countStaffUsers, createStaffUser } from './staff-users';

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

/** Every sign-in from one network address, right or wrong. */
const ATTEMPTS_PER_ADDRESS = 30;
/**
 * Wrong passwords for one account from one address. Keyed on both, so a
 * stranger guessing cannot lock the real staff member out from their own
 * network; a correct sign-in clears it.
 */
const FAILURES_PER_ACCOUNT = 10;
const ATTEMPT_WINDOW_MS = 15 * 60 * 1000;
const WRONG_CREDENTIALS = 'That email and password do not match an active staff account.';

const TOO_MANY_SIGN_INS = 'Too many sign-in attempts. Wait 15 minutes and try again.';

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
    const parsed = signInBody.safeParse(req.body ?? {});
    if (!parsed.success) throw new ValidationError([{ field: 'email', message: 'Enter your email and password' }]);
    const { email, password } = parsed.data;
    const next = safeNext(parsed.data.next);
    // Counted in the database (hashed: an address is personal data) so every instance agrees.
    const address = hashToken(req.ip ?? 'unknown');
    const failuresKey = `staff-sign-in:failures:${hashToken(`${email.trim().toLowerCase()} ${address}`)}`;
    if (!(await hitRateLimit(deps.db, `staff-sign-in:ip:${address}`, ATTEMPTS_PER_ADDRESS, ATTEMPT_WINDOW_MS))) throw new TooManyRequestsError(TOO_MANY_SIGN_INS);
    if (await rateLimitReached(deps.db, failuresKey, FAILURES_PER_ACCOUNT, ATTEMPT_WINDOW_MS)) throw new TooManyRequestsError(TOO_MANY_SIGN_INS);

    const staff = email && password ? await authenticateStaff(deps.db, email, password) : null;
    if (!staff) {
      await hitRateLimit(deps.db, failuresKey, FAILURES_PER_ACCOUNT, ATTEMPT_WINDOW_MS);
      await recordAudit(deps.db, { actorId: null, action: 'staff.sign_in_failed', detail: { email_hash: hashToken(email.toLowerCase()) } });
      return renderSignIn(res, 401, { email, next, error: WRONG_CREDENTIALS });
    }
    await clearRateLimit(deps.db, failuresKey);
    const session = await createStaffSession(deps.db, staff.id);
    await recordAudit(deps.db, { actorId: staff.id, action: 'staff.signed_in' });
    cookie.set(res, session.token, session.expiresAt);
    res.redirect(303, next);
  });

  router.post('/admin/sign-out', async (req, res) => {
    const token = cookie.read(req);
    if (token) await endSession(deps.db, token);
    if (req.staff) await recordAudit(deps.db, { actorId: req.staff.id, action: 'staff.signed_out' });
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
    const parsed = setupBody.safeParse(req.body ?? {});
    if (!parsed.success) throw new ValidationError([{ field: 'email', message: 'Fill in every field' }]);
    const input = parsed.data;
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
      staffId = await deps.db.transaction(async (trx) => {
        // Two people opening the link at once: the lock makes the second see the first's account.
        await trx.raw("select pg_advisory_xact_lock(hashtext('sustain:first-staff-account'))");
        if ((await countStaffUsers(trx)) > 0) throw new NotFoundError('The first staff account already exists. Sign in instead.');
        const staff = await createStaffUser(trx, { email: input.email, name: input.name, password: input.password, role: 'admin' });
        await recordAudit(trx, { actorId: staff.id, action: 'staff.created', subjectType: 'admin_user', subjectId: staff.id, detail: { role: 'admin', via: 'setup' } });
        return staff.id;
      });
    } catch (error) {
      if (error instanceof ValidationError) return render422(error.fields);
      throw error;
    }
    const session = await createStaffSession(deps.db, staffId);
    await recordAudit(deps.db, { actorId: staffId, action: 'staff.signed_in' });
    cookie.set(res, session.token, session.expiresAt);
    res.redirect(303, '/admin');
  });

  return router;
}
