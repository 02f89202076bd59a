import type { Request, Response } from 'express';
import type { Db } from '../db/knex';
import { hashToken, randomToken } from '../lib/tokens';

export const DONOR_SESSION_COOKIE = 'sustain_account';
const SESSION_TTL_MS = 14 * 24 * 60 * 60 * 1000;

export async function createDonorSession(db: Db, donorId: string): Promise<{ token: string; expiresAt: Date }> {
  const token = randomToken();
  const expiresAt = new Date(Date.now() + SESSION_TTL_MS);
  await db('sessions').insert({ token_hash: hashToken(token), kind: 'donor', donor_id: donorId, expires_at: expiresAt });
  return { token, expiresAt };
}

export async function findDonorSession(db: Db, token: string): Promise<{ donorId: string } | null> {
  const row: { donor_id: string } | undefined = await db('sessions')
    .where({ token_hash: hashToken(token), kind: 'donor' })
    .where('expires_at', '>', db.fn.now())
    .first('donor_id');
  return row ? { donorId: row.donor_id } : null;
}

export async function endDonorSession(db: Db, token: string): Promise<void> {
  await db('sessions').where({ token_hash: hashToken(token) }).delete();
}

export function readCookie(req: Request, name: string): string | null {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return decodeURIComponent(rest.join('='));
  }
  return null;
}

/**
 * HttpOnly, and SameSite=Lax so another site cannot make a signed-in donor's
 * browser post to /account (the account's only defence needed against CSRF).
 */
export function setSessionCookie(res: Response, token: string, expiresAt: Date, secure: boolean): void {
  res.cookie(DONOR_SESSION_COOKIE, token, { httpOnly: true, sameSite: 'lax', secure, path: '/account', expires: expiresAt });
}

export function clearSessionCookie(res: Response, secure: boolean): void {
  res.clearCookie(DONOR_SESSION_COOKIE, { httpOnly: true, sameSite: 'lax', secure, path: '/account' });
}
