import type { NextFunction, Request, Response } from 'express';
import type { Db } from '../db/knex';
import { findStaffBySession } from '../http/session-queries';
import { sessionCookie, startSession } from '../http/sessions';
import { ForbiddenError } from '../lib/errors';
import { hashToken } from '../lib/tokens';
import { recordAudit } from './audit-queries';
import { ACCESS, mayUse, type ConsoleArea } from './roles';
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

/** A new session for a staff member who just proved who they are, recorded in the audit log as a sign-in. */
export function startStaffSession(db: Db, staffId: string): Promise<{ token: string; expiresAt: Date }> {
  return db.transaction(async (trx) => {
    const session = await startSession(trx, { kind: 'admin', admin_user_id: staffId }, STAFF_SESSION_TTL_MS);
    await recordAudit(trx, { actorId: staffId, action: 'staff.signed_in' });
    return session;
  });
}

/** The signed-in staff member; a disabled account's sessions stop working at once. */
export async function findStaffSession(db: Db, token: string): Promise<StaffUser | null> {
  const row = await findStaffBySession(db, hashToken(token));
  return row ? { ...row, role: row.role as StaffRole } : null;
}

/** Pages for signed-in staff: anyone else goes to the sign-in page, and comes back after. */
export function requireStaff(req: Request, res: Response, next: NextFunction) {
  if (req.staff) return next();
  const back = req.method === 'GET' ? `?next=${encodeURIComponent(req.originalUrl)}` : '';
  res.redirect(303, `/admin/sign-in${back}`);
}

/** A part of the console (roles.ts ACCESS): any other role gets 403, and the page says which roles may. */
export function requireAccess(area: ConsoleArea) {
  return (req: Request, _res: Response, next: NextFunction) => {
    if (req.staff && mayUse(req.staff.role, area)) return next();
    const roles = ACCESS[area];
    throw new ForbiddenError(`Only staff with the ${roles.join(' or ')} role can see this.`, 'role_required');
  };
}
