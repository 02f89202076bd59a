import type { Db } from '../db/knex';
import { sessionCookie, startSession } from '../http/sessions';
import { hashToken } from '../lib/tokens';
import { findDonorIdBySession } from '../http/session-queries';

const SESSION_TTL_MS = 14 * 24 * 60 * 60 * 1000;

/**
 * SameSite=Lax so another site cannot make a signed-in donor's browser post
 * to /account, while the emailed sign-in link still works from a mail client.
 */
export function donorSessionCookie(secure: boolean) {
  return sessionCookie({ name: 'sustain_account', path: '/account', sameSite: 'lax', secure });
}

export function createDonorSession(db: Db, donorId: string) {
  return startSession(db, { kind: 'donor', donor_id: donorId }, SESSION_TTL_MS);
}

export async function findDonorSession(db: Db, token: string): Promise<{ donorId: string } | null> {
  const donorId = await findDonorIdBySession(db, hashToken(token));
  return donorId ? { donorId } : null;
}
