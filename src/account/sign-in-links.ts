import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Knex } from 'knex';
import type { Db } from '../db/knex';
import { enqueueEmail } from '../mail/outbox-queries';
import { derivedToken, hashToken, sameToken } from '../lib/tokens';
import {
  countSignInLinksSince,
  findDonorBySignInAddress,
  findSignInLink,
  insertSignInLink,
  lockDonorForSignIn,
  markSignInLinkUsed,
} from './sign-in-link-queries';

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
  const donor = await findDonorBySignInAddress(db, email);
  if (!donor) return;
  await db.transaction(async (trx) => {
    await lockDonorForSignIn(trx, donor.id);
    if ((await countSignInLinksSince(trx, donor.id, new Date(Date.now() - DONOR_WINDOW_MS))) >= LINKS_PER_DONOR) return;
    const id = randomUUID();
    await insertSignInLink(trx, {
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

/** A link's token: its row id, a dot, and the 43-character secret derived from it. */
const TOKEN = z.tuple([z.uuid(), z.string().regex(/^[A-Za-z0-9_-]{43}$/)]);

export type LinkCheck = { ok: true; tokenId: string; donorId: string } | { ok: false; reason: 'malformed' | 'invalid' | 'expired' | 'used' };

/** Checks a link without using it up (the page it opens asks the donor to confirm). */
export async function checkSignInLink(db: Db, token: string): Promise<LinkCheck> {
  const parsed = TOKEN.safeParse(token.split('.'));
  if (!parsed.success) return { ok: false, reason: 'malformed' };
  const [id, secret] = parsed.data;
  const row = await findSignInLink(db, id);
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
  return (await markSignInLinkUsed(db, check.tokenId)) ? check : { ok: false, reason: 'used' };
}
