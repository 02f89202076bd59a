import type { Db } from '../db/knex';
import { endStaffSessions } from '../http/session-queries';
import { ValidationError } from '../lib/errors';
import { recordAudit } from './audit-queries';
import { setStaffDisabledAt } from './staff-queries';

/** Disabling also signs the account out everywhere at once. */
export async function disableStaff(db: Db, actorId: string, staffId: string): Promise<void> {
  // Also keeps the console from losing its last admin: the one acting stays.
  if (staffId === actorId) throw new ValidationError([{ field: 'staff', message: 'You cannot disable your own account.' }]);
  await db.transaction(async (trx) => {
    await setStaffDisabledAt(trx, staffId, true);
    await endStaffSessions(trx, staffId);
    await recordAudit(trx, { actorId, action: 'staff.disabled', subjectType: 'admin_user', subjectId: staffId });
  });
}

export async function enableStaff(db: Db, actorId: string, staffId: string): Promise<void> {
  await db.transaction(async (trx) => {
    await setStaffDisabledAt(trx, staffId, false);
    await recordAudit(trx, { actorId, action: 'staff.enabled', subjectType: 'admin_user', subjectId: staffId });
  });
}
