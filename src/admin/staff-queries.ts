import type { Knex } from 'knex';
import { z } from 'zod';
import type { Db } from '../db/knex';
import { isUniqueViolation } from '../db/pg-errors';
import { ConflictError } from '../lib/errors';
import type { StaffRole, StaffUser } from './staff-users';

/** The `admin_users` table: staff accounts of the console. */
export interface StaffListing extends StaffUser {
  disabled_at: Date | null;
  last_sign_in_at: Date | null;
  created_at: Date;
}

const COLUMNS = ['id', 'email', 'name', 'role'] as const;
const LISTING_COLUMNS = [...COLUMNS, 'disabled_at', 'last_sign_in_at', 'created_at'] as const;
const staffId = z.uuid();

export async function insertStaffUser(db: Db, row: { email: string; name: string | null; role: StaffRole; password_hash: string }): Promise<StaffUser> {
  try {
    const [user] = await db('admin_users').insert(row).returning([...COLUMNS]);
    return user as StaffUser;
  } catch (error) {
    if (isUniqueViolation(error)) throw new ConflictError('A staff account with that email already exists');
    throw error;
  }
}

/** The account with this email, whatever its case, with what a sign-in checks. */
export async function findStaffForSignIn(db: Db, email: string): Promise<(StaffUser & { password_hash: string; disabled_at: Date | null }) | null> {
  const row = await db('admin_users')
    .whereRaw('lower(email) = lower(?)', [email])
    .first(...COLUMNS, 'password_hash', 'disabled_at');
  return row ?? null;
}

export async function markStaffSignedIn(db: Db, id: string): Promise<void> {
  await db('admin_users').where({ id }).update({ last_sign_in_at: db.fn.now() });
}

export async function countStaffUsers(db: Db): Promise<number> {
  const [row] = await db('admin_users').count({ n: '*' });
  return Number(row?.n ?? 0);
}

/**
 * Held until the transaction ends: two people opening the first-account setup
 * link at once queue here, so the second sees the first's account.
 */
export async function lockFirstStaffAccount(trx: Knex.Transaction): Promise<void> {
  await trx.raw("select pg_advisory_xact_lock(hashtext('sustain:first-staff-account'))");
}

export async function listStaff(db: Db): Promise<StaffListing[]> {
  return db('admin_users')
    .orderByRaw('disabled_at is not null, lower(coalesce(name, email))')
    .select(...LISTING_COLUMNS);
}

/** The account with this id; null for an unknown id or one that is not an id at all. */
export async function findStaff(db: Db, id: string): Promise<StaffListing | null> {
  if (!staffId.safeParse(id).success) return null;
  const row: StaffListing | undefined = await db('admin_users').where({ id }).first(...LISTING_COLUMNS);
  return row ?? null;
}

export async function setStaffDisabledAt(db: Db, id: string, disabled: boolean): Promise<void> {
  await db('admin_users').where({ id }).update({ disabled_at: disabled ? db.fn.now() : null, updated_at: db.fn.now() });
}

export async function setStaffPasswordHash(db: Db, id: string, passwordHash: string): Promise<void> {
  await db('admin_users').where({ id }).update({ password_hash: passwordHash, updated_at: db.fn.now() });
}
