import type { Db } from '../db/knex';

/**
 * The `sessions` table: donors' (`/account`) and staff's (`/admin`) sessions.
 * Rows hold only a hash of the cookie's token (see sessions.ts).
 */
export type SessionOwner = { kind: 'donor'; donor_id: string } | { kind: 'admin'; admin_user_id: string };

export async function insertSession(db: Db, owner: SessionOwner, tokenHash: string, expiresAt: Date): Promise<void> {
  await db('sessions').insert({ ...owner, token_hash: tokenHash, expires_at: expiresAt });
}

export async function deleteSession(db: Db, tokenHash: string): Promise<void> {
  await db('sessions').where({ token_hash: tokenHash }).delete();
}

export async function findDonorIdBySession(db: Db, tokenHash: string): Promise<string | null> {
  const row: { donor_id: string } | undefined = await db('sessions')
    .where({ token_hash: tokenHash, kind: 'donor' })
    .where('expires_at', '>', db.fn.now())
    .first('donor_id');
  return row?.donor_id ?? null;
}

export interface StaffSessionRow {
  id: string;
  email: string;
  name: string | null;
  role: string;
}

/** The active staff account a session belongs to; a disabled account's sessions stop working at once. */
export async function findStaffBySession(db: Db, tokenHash: string): Promise<StaffSessionRow | null> {
  const row: StaffSessionRow | undefined = await db('sessions as s')
    .join('admin_users as u', 'u.id', 's.admin_user_id')
    .where({ 's.token_hash': tokenHash, 's.kind': 'admin' })
    .where('s.expires_at', '>', db.fn.now())
    .whereNull('u.disabled_at')
    .first('u.id', 'u.email', 'u.name', 'u.role');
  return row ?? null;
}

/** Signs a donor out everywhere. */
export async function endDonorSessions(db: Db, donorId: string): Promise<void> {
  await db('sessions').where({ kind: 'donor', donor_id: donorId }).delete();
}

/** Signs a staff account out everywhere. */
export async function endStaffSessions(db: Db, staffId: string): Promise<void> {
  await db('sessions').where({ kind: 'admin', admin_user_id: staffId }).delete();
}

export async function deleteExpiredSessions(db: Db, now: Date): Promise<number> {
  return db('sessions').where('expires_at', '<', now).delete();
}
