import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { Db } from '../db/knex';
import { enqueueEmail } from '../mail/email-outbox';
import { derivedToken, hashToken, sameToken } from '../lib/tokens';

export const SIGN_IN_LINK_TTL_MS = 30 * 60 * 1000;
/** Links one donor may be sent per quarter hour; more requests get the same answer and no email. */
const LINKS_PER_DONOR = 3;
const DONOR_WINDOW_MS = 15 * 60 * 1000;
const PURPOSE = 'sign-in';

/** The secret in a sign-in link, derived from its id (so the outbox row holds only the id). */
export function signInSecret(linkKey: string, tokenId: string): string {
  return derivedToken(linkKey, PURPOSE, tokenId);
}

export function signInUrl(baseUrl: string, linkKey: string, tokenId: string): string {
  return `${baseUrl}/account/verify?token=${tokenId}.${signInSecret(linkKey, tokenId)}`;
}

/**
 * Sends a sign-in link if the address belongs to a donor. The caller answers
 * the same way whatever happens here, so the form cannot be used to learn who
 * gives.
 */
export async function requestSignInLink(db: Knex, linkKey: string, email: string): Promise<void> {
  const donor: { id: string; email: string } | undefined = await db('donors')
    .whereRaw('lower(email) = lower(?)', [email])
    .whereNull('anonymized_at')
    .first('id', 'email');
  if (!donor) return;
  await db.transaction(async (trx) => {
    // Serialises concurrent requests for one donor so the per-donor limit holds.
    await trx('donors').where({ id: donor.id }).forUpdate().first('id');
    const recent = await trx('login_tokens')
      .where({ donor_id: donor.id })
      .where('created_at', '>', new Date(Date.now() - DONOR_WINDOW_MS))
      .count({ n: '*' });
    if (Number(recent[0]!.n) >= LINKS_PER_DONOR) return;
    const id = randomUUID();
    await trx('login_tokens').insert({
      id,
      donor_id: donor.id,
      token_hash: hashToken(signInSecret(linkKey, id)),
      expires_at: new Date(Date.now() + SIGN_IN_LINK_TTL_MS),
    });
    await enqueueEmail(trx, {
      to: donor.email,
      template: 'sign-in-link',
      data: { login_token_id: id },
      dedupeKey: `sign-in:${id}`,
    });
  });
}

const TOKEN = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.([A-Za-z0-9_-]{43})$/;

export type LinkCheck = { ok: true; tokenId: string; donorId: string } | { ok: false; reason: 'malformed' | 'invalid' | 'expired' | 'used' };

/** Checks a link without using it up (the page it opens asks the donor to confirm). */
export async function checkSignInLink(db: Db, token: string): Promise<LinkCheck> {
  const match = TOKEN.exec(token);
  if (!match) return { ok: false, reason: 'malformed' };
  const [, id, secret] = match as unknown as [string, string, string];
  const row: { id: string; donor_id: string; token_hash: string; expires_at: Date; used_at: Date | null } | undefined =
    await db('login_tokens').where({ id }).first();
  if (!row || !sameToken(row.token_hash, hashToken(secret))) return { ok: false, reason: 'invalid' };
  if (row.used_at) return { ok: false, reason: 'used' };
  if (row.expires_at.getTime() <= Date.now()) return { ok: false, reason: 'expired' };
  return { ok: true, tokenId: row.id, donorId: row.donor_id };
}

/**
 * Uses the link up. The conditional update is the single-use guarantee: of two
 * concurrent clicks exactly one gets the row back.
 */
export async function consumeSignInLink(db: Db, token: string): Promise<LinkCheck> {
  const check = await checkSignInLink(db, token);
  if (!check.ok) return check;
  const used = await db('login_tokens')
    .where({ id: check.tokenId })
    .whereNull('used_at')
    .where('expires_at', '>', db.fn.now())
    .update({ used_at: db.fn.now() })
    .returning('id');
  return used.length === 1 ? check : { ok: false, reason: 'used' };
}
