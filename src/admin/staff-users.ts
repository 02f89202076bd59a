import type { Db } from '../db/knex';
import { isUniqueViolation } from '../db/pg-errors';
import { isEmailAddress } from '../lib/email-address';
import { ConflictError, ValidationError, type FieldError } from '../lib/errors';
import { hashPassword, passwordProblem, verifyPassword } from './passwords';

/**
 * `admin` runs the console: everything staff can do, plus settings and the
 * audit log. `staff` (development and finance) see the dashboard, donors and
 * exports.
 */
export const STAFF_ROLES = ['admin', 'staff'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

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

const COLUMNS = ['id', 'email', 'name', 'role'] as const;

export async function createStaffUser(db: Db, input: NewStaffUser): Promise<StaffUser> {
  const email = input.email.trim();
  const problems: FieldError[] = [];
  if (!isEmailAddress(email)) problems.push({ field: 'email', message: 'must be an email address, like name@example.org' });
  const weak = passwordProblem(input.password);
  if (weak) problems.push({ field: 'password', message: weak });
  if (!(STAFF_ROLES as readonly string[]).includes(input.role)) {
    problems.push({ field: 'role', message: `must be one of ${STAFF_ROLES.join(', ')}` });
  }
  if (problems.length > 0) throw new ValidationError(problems);
  const passwordHash = await hashPassword(input.password);
  try {
    const [user] = await db('admin_users')
      .insert({ email, name: input.name?.trim() || null, role: input.role, password_hash: passwordHash })
      .returning([...COLUMNS]);
    return user as StaffUser;
  } catch (error) {
    if (isUniqueViolation(error)) throw new ConflictError('A staff account with that email already exists');
    throw error;
  }
}

// Checked when no account matches, so an unknown address takes as long as a wrong password.
let decoyHash: Promise<string> | null = null;

/** The active staff account with this email and password, or null. */
export async function authenticateStaff(db: Db, email: string, password: string): Promise<StaffUser | null> {
  const row: (StaffUser & { password_hash: string; disabled_at: Date | null }) | undefined = await db('admin_users')
    .whereRaw('lower(email) = lower(?)', [email.trim()])
    .first(...COLUMNS, 'password_hash', 'disabled_at');
  if (!row) {
    decoyHash ??= hashPassword('decoy password for unknown accounts');
    await verifyPassword(password, await decoyHash);
    return null;
  }
  if (!(await verifyPassword(password, row.password_hash)) || row.disabled_at) return null;
  await db('admin_users').where({ id: row.id }).update({ last_sign_in_at: db.fn.now() });
  return { id: row.id, email: row.email, name: row.name, role: row.role };
}

export async function countStaffUsers(db: Db): Promise<number> {
  const [row] = await db('admin_users').count({ n: '*' });
  return Number(row?.n ?? 0);
}

export interface StaffListing extends StaffUser {
  disabled_at: Date | null;
  last_sign_in_at: Date | null;
  created_at: Date;
}

export async function listStaff(db: Db): Promise<StaffListing[]> {
  return db('admin_users')
    .orderByRaw('disabled_at is not null, lower(coalesce(name, email))')
    .select(...COLUMNS, 'disabled_at', 'last_sign_in_at', 'created_at');
}

export async function findStaff(db: Db, id: string): Promise<StaffListing | null> {
  const row: StaffListing | undefined = await db('admin_users').where({ id }).first(...COLUMNS, 'disabled_at', 'last_sign_in_at', 'created_at');
  return row ?? null;
}

/** Disabling also ends the account's sessions at once. */
export async function setStaffDisabled(db: Db, id: string, disabled: boolean): Promise<void> {
  await db('admin_users').where({ id }).update({ disabled_at: disabled ? db.fn.now() : null, updated_at: db.fn.now() });
  if (disabled) await db('sessions').where({ kind: 'admin', admin_user_id: id }).delete();
}

/** A new password ends every session of the account: whoever knew the old one is signed out. */
export async function setStaffPassword(db: Db, id: string, password: string): Promise<void> {
  const weak = passwordProblem(password);
  if (weak) throw new ValidationError([{ field: 'password', message: `The password ${weak}` }]);
  await db('admin_users').where({ id }).update({ password_hash: await hashPassword(password), updated_at: db.fn.now() });
  await db('sessions').where({ kind: 'admin', admin_user_id: id }).delete();
}
