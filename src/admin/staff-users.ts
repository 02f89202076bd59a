import type { Db } from '../db/knex';
import { isEmailAddress } from '../lib/email-address';
import { ValidationError, type FieldError } from '../lib/errors';
import { isStaffRole, STAFF_ROLES, type StaffRole } from './roles';
import { hashPassword, passwordProblem, verifyPassword } from './passwords';
import { findStaffForSignIn, insertStaffUser, markStaffSignedIn } from './staff-queries';

// main.ts counts accounts from here at startup (to print the setup link).
export { countStaffUsers } from './staff-queries';

export { STAFF_ROLES, type StaffRole };

export interface StaffUser {
  id: string;
  email: string;
  name: string | null;
  role: StaffRole;
}

export interface NewStaffUser {
  email: string;
  password: string;
  role: string;
  name?: string | null;
}

/** Checks and stores a new account. No audit entry: add-staff.ts and add-first-admin.ts record who added it. */
export async function createStaffUser(db: Db, input: NewStaffUser): Promise<StaffUser> {
  const email = input.email.trim();
  const problems: FieldError[] = [];
  if (!isEmailAddress(email)) problems.push({ field: 'email', message: 'must be an email address, like name@example.org' });
  const weak = passwordProblem(input.password);
  if (weak) problems.push({ field: 'password', message: weak });
  if (!isStaffRole(input.role)) problems.push({ field: 'role', message: `must be one of ${STAFF_ROLES.join(', ')}` });
  if (problems.length > 0 || !isStaffRole(input.role)) throw new ValidationError(problems);
  const passwordHash = await hashPassword(input.password);
  return insertStaffUser(db, { email, name: input.name?.trim() || null, role: input.role, password_hash: passwordHash });
}

// Checked when no account matches, so an unknown address takes as long as a wrong password.
let decoyHash: Promise<string> | null = null;

/** The active staff account with this email and password, or null. */
export async function authenticateStaff(db: Db, email: string, password: string): Promise<StaffUser | null> {
  const row = await findStaffForSignIn(db, email.trim());
  if (!row) {
    decoyHash ??= hashPassword('decoy password for unknown accounts');
    await verifyPassword(password, await decoyHash);
    return null;
  }
  if (!(await verifyPassword(password, row.password_hash)) || row.disabled_at) return null;
  await markStaffSignedIn(db, row.id);
  return { id: row.id, email: row.email, name: row.name, role: row.role };
}
