import type { NextFunction, Request, Response } from 'express';
import type { Db } from '../db/knex';
import { sessionCookie, startSession } from '../http/sessions';
import { ForbiddenError } from '../lib/errors';
import { hashToken } from '../lib/tokens';
import type { StaffRole, StaffUser } from './staff-users';

/** A working day: staff sign in again each morning, and a forgotten browser is not open for a week. */
const STAFF_SESSION_TTL_MS = 12 * 60 * 60 * 1000;

declare module 'express-serve-static-core' {
  interface Request {
    staff?: StaffUser;
  }
}

/** Strict: the console is never entered from a link on another site with the cookie attached. */
export function staffSessionCookie(secure: boolean) {
  return sessionCookie({ name: 'sustain_staff', path: '/admin', sameSite: 'strict', secure });
}

export function createStaffSession(db: Db, staffId: string) {
  return startSession(db, { kind: 'admin', admin_user_id: staffId }, STAFF_SESSION_TTL_MS);
}

/** The signed-in staff member; a disabled account's sessions stop working at once. */
export async function findStaffSession(db: Db, token: string): Promise<StaffUser | null> {
  const row: StaffUser | undefined = await db('sessions as s')
    .join('admin_users as u', 'u.id', 's.admin_user_id')
    .where({ 's.token_hash': hashToken(token), 's.kind': 'admin' })
    .where('s.expires_at', '>', db.fn.now())
    .whereNull('u.disabled_at')
    .first('u.id', 'u.email', 'u.name', 'u.role');
  return row ?? null;
}

/** Pages for signed-in staff: anyone else goes to the sign-in page, and comes back after. */
export function requireStaff(req: Request, res: Response, next: NextFunction) {
  if (req.staff) return next();
  const back = req.method === 'GET' ? `?next=${encodeURIComponent(req.originalUrl)}` : '';
  res.redirect(303, `/admin/sign-in${back}`);
}

export function requireRole(role: StaffRole) {
  return (req: Request, _res: Response, next: NextFunction) => {
    if (req.staff?.role === role) return next();
    throw new ForbiddenError(`Only staff with the ${role} role can do this.`, 'role_required');
  };
}
