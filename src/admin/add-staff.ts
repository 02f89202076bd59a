import type { Db } from '../db/knex';
import { recordAudit } from './audit-queries';
import { createStaffUser, type NewStaffUser, type StaffUser } from './staff-users';

/**
 * Adds a staff account and records who added it and how: an admin in the
 * console, or the command line (no actor). Throws ValidationError or
 * ConflictError (the email is taken) and writes nothing then.
 */
export function addStaff(db: Db, actorId: string | null, input: NewStaffUser, via: 'console' | 'cli'): Promise<StaffUser> {
  return db.transaction(async (trx) => {
    const staff = await createStaffUser(trx, input);
    await recordAudit(trx, { actorId, action: 'staff.created', subjectType: 'admin_user', subjectId: staff.id, detail: { role: staff.role, via } });
    return staff;
  });
}
