import type { Db } from '../db/knex';

export interface SignInLinkRow {
  id: string;
  donor_id: string;
  token_hash: string;
  expires_at: Date;
  used_at: Date | null;
}

/** The donor an address signs in as: any case, never an anonymized donor. */
export async function findDonorBySignInAddress(db: Db, email: string): Promise<{ id: string; email: string } | undefined> {
  return db('donors').whereRaw('lower(email) = lower(?)', [email]).whereNull('anonymized_at').first('id', 'email');
}

/** Serialises concurrent link requests for one donor, so the per-donor limit holds. */
export async function lockDonorForSignIn(db: Db, donorId: string): Promise<void> {
  await db('donors').where({ id: donorId }).forUpdate().first('id');
}

export async function countSignInLinksSince(db: Db, donorId: string, since: Date): Promise<number> {
  const [row] = await db('login_tokens').where({ donor_id: donorId }).where('created_at', '>', since).count({ n: '*' });
  return Number(row?.n ?? 0);
}

export async function insertSignInLink(db: Db, link: Omit<SignInLinkRow, 'used_at'>): Promise<void> {
  await db('login_tokens').insert(link);
}

export async function findSignInLink(db: Db, id: string): Promise<SignInLinkRow | undefined> {
  return db('login_tokens').where({ id }).first();
}

/** The single-use guarantee: of two concurrent uses exactly one gets true. */
export async function markSignInLinkUsed(db: Db, id: string): Promise<boolean> {
  const used = await db('login_tokens')
    .where({ id })
    .whereNull('used_at')
    .where('expires_at', '>', db.fn.now())
    .update({ used_at: db.fn.now() })
    .returning('id');
  return used.length === 1;
}

export async function deleteSignInLinksExpiredBefore(db: Db, before: Date): Promise<number> {
  return db('login_tokens').where('expires_at', '<', before).delete();
}
