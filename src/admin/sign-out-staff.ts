import type { Db } from '../db/knex';
import { endSession } from '../http/sessions';
import { recordAudit } from './audit-queries';

/** Ends the session of this cookie's token (if any), and records the sign-out of the staff member it belonged to. */
export async function signOutStaff(db: Db, token: string | null | undefined, staffId: string | null): Promise<void> {
  if (token) await endSession(db, token);
  if (staffId) await recordAudit(db, { actorId: staffId, action: 'staff.signed_out' });
}
