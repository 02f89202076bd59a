import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** A URL-safe random secret of 256 bits. */
export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

/** What we store instead of a secret: a leaked table cannot be replayed. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * A secret derived from an id and the server's key. The outbox then only
 * needs the id to put the secret in an email, so no usable secret is ever
 * written to the database.
 */
export function derivedToken(key: string, purpose: string, id: string): string {
  return createHmac('sha256', key).update(`${purpose}:${id}`).digest('base64url');
}

export function sameToken(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
