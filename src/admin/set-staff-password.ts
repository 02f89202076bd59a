import type { Db } from '../db/knex';
import { endStaffSessions } from '../http/session-queries';
import { ValidationError } from '../lib/errors';
import { recordAudit } from './audit-queries';
import { hashPassword, passwordProblem } from './passwords';
import { setStaffPasswordHash } from './staff-queries';

/** A new password ends every session of the account: whoever knew the old one is signed out. */
export async function setStaffPassword(db: Db, actorId: string, staffId: string, password: string): Promise<void> {
  const weak = passwordProblem(password);
  if (weak) throw new ValidationError([{ field: 'password', message: `The password ${weak}` }]);
  const passwordHash = await hashPassword(password);
  await db.transaction(async (trx) => {
    await setStaffPasswordHash(trx, staffId, passwordHash);
    await endStaffSessions(trx, staffId);
    await recordAudit(trx, { actorId, action: 'staff.password_changed', subjectType: 'admin_user', subjectId: staffId });
  });
}
