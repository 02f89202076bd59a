import type { Db } from '../db/knex';
import { NotFoundError } from '../lib/errors';
import { recordAudit } from './audit-queries';
import { countStaffUsers, lockFirstStaffAccount } from './staff-queries';
import { createStaffUser, type StaffUser } from './staff-users';

/**
 * The first staff account, made through the setup link: an admin, recorded as
 * its own creator. Answers 404 once any account exists, so the link stops
 * working the moment it has been used.
 */
export function addFirstAdmin(db: Db, input: { email: string; name?: string; password: string }): Promise<StaffUser> {
  return db.transaction(async (trx) => {
    await lockFirstStaffAccount(trx);
    if ((await countStaffUsers(trx)) > 0) throw new NotFoundError('The first staff account already exists. Sign in instead.');
    const staff = await createStaffUser(trx, { ...input, role: 'admin' });
    await recordAudit(trx, { actorId: staff.id, action: 'staff.created', subjectType: 'admin_user', subjectId: staff.id, detail: { role: 'admin', via: 'setup' } });
    return staff;
  });
}
