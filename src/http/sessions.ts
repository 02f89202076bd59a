import type { Request, Response } from 'express';
import type { Db } from '../db/knex';
import { hashToken, randomToken } from '../lib/tokens';
import { deleteSession, insertSession, type SessionOwner } from './session-queries';

/**
 * Server-side sessions for donors (`/account`) and staff (`/admin`) in one
 * table. The cookie holds a random token; the table holds only its hash, so a
 * leaked table cannot be replayed.
 */
export async function startSession(db: Db, owner: SessionOwner, ttlMs: number): Promise<{ token: string; expiresAt: Date }> {
  const token = randomToken();
  const expiresAt = new Date(Date.now() + ttlMs);
  await insertSession(db, owner, hashToken(token), expiresAt);
  return { token, expiresAt };
}

export async function endSession(db: Db, token: string): Promise<void> {
  await deleteSession(db, hashToken(token));
}

export interface SessionCookie {
  read(req: Request): string | null;
  set(res: Response, token: string, expiresAt: Date): void;
  clear(res: Response): void;
}

/** An HttpOnly cookie scoped to the part of the site it signs in to. */
export function sessionCookie(options: { name: string; path: string; sameSite: 'lax' | 'strict'; secure: boolean }): SessionCookie {
  const attributes = { httpOnly: true, sameSite: options.sameSite, secure: options.secure, path: options.path };
  return {
    read: (req) => readCookie(req, options.name),
    set: (res, token, expiresAt) => res.cookie(options.name, token, { ...attributes, expires: expiresAt }),
    clear: (res) => res.clearCookie(options.name, attributes),
  };
}

/** One cookie's value from the request, or null (absent or mangled). */
export function readCookie(req: Request, name: string): string | null {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key !== name) continue;
    try {
      return decodeURIComponent(rest.join('='));
    } catch {
      return null; // a mangled cookie is no session, not a 500
    }
  }
  return null;
}
