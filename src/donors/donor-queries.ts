import type Stripe from 'stripe';
import type { Db } from '../db/knex';
import { idOf } from '../stripe/object-id';

export interface DonorRow {
  id: string;
  email: string;
  name: string | null;
  stripe_customer_id: string | null;
  address: Stripe.Address | null;
}

export interface DonorFromStripe {
  customerId: string | null;
  email: string;
  name: string | null;
  address: Stripe.Address | null;
}

/**
 * Finds the donor for a Stripe payment: first by Stripe customer id (stable even
 * if the donor later changes address), then by email regardless of case, and
 * creates them otherwise. A returning donor who pays again as a new Stripe
 * customer keeps their first customer id; the email match links the gift.
 * The insert is one statement with ON CONFLICT so two events for the same new
 * donor arriving at once cannot create two rows.
 */
export async function upsertDonorFromStripe(db: Db, donor: DonorFromStripe): Promise<DonorRow> {
  if (donor.customerId) {
    const known: DonorRow | undefined = await db('donors').where({ stripe_customer_id: donor.customerId }).first();
    if (known) {
      const [updated] = await db('donors')
        .where({ id: known.id })
        .update({
          name: db.raw('coalesce(?, name)', [donor.name]),
          address: db.raw('coalesce(?::jsonb, address)', [donor.address ? JSON.stringify(donor.address) : null]),
          updated_at: db.fn.now(),
        })
        .returning('*');
      return updated as DonorRow;
    }
  }
  const { rows } = await db.raw(
    `insert into donors (email, name, stripe_customer_id, address)
     values (?, ?, ?, ?::jsonb)
     on conflict ((lower(email))) do update set
       stripe_customer_id = coalesce(donors.stripe_customer_id, excluded.stripe_customer_id),
       name = coalesce(excluded.name, donors.name),
       address = coalesce(excluded.address, donors.address),
       updated_at = now()
     returning *`,
    [donor.email, donor.name, donor.customerId, donor.address ? JSON.stringify(donor.address) : null],
  );
  return rows[0] as DonorRow;
}

/**
 * The donor who paid through a Checkout Session: the address they typed at
 * Checkout, else the one given on our form (`fallbackEmail`). Null without any.
 */
export async function upsertDonorFromSession(
  db: Db,
  session: Stripe.Checkout.Session,
  fallbackEmail: string | null,
): Promise<DonorRow | null> {
  const email = session.customer_details?.email ?? session.customer_email ?? fallbackEmail;
  if (!email) return null;
  return upsertDonorFromStripe(db, {
    customerId: idOf(session.customer),
    email,
    name: session.customer_details?.name ?? null,
    address: session.customer_details?.address ?? null,
  });
}

export async function findDonorIdByCustomer(db: Db, customerId: string): Promise<string | null> {
  const row: { id: string } | undefined = await db('donors').where({ stripe_customer_id: customerId }).first('id');
  return row?.id ?? null;
}

/** Where a donor's mail goes, unless the donor was anonymized (then nothing is sent). */
export async function findDonorMailbox(db: Db, donorId: string): Promise<string | null> {
  const donor: { email: string; anonymized_at: Date | null } | undefined = await db('donors')
    .where({ id: donorId })
    .first('email', 'anonymized_at');
  return donor?.email && !donor.anonymized_at ? donor.email : null;
}

export interface DonorStripeLink {
  id: string;
  email: string;
  updated_from_stripe_at: Date | null;
}

export async function lockDonorByCustomer(db: Db, customerId: string): Promise<DonorStripeLink | undefined> {
  return db('donors').where({ stripe_customer_id: customerId }).forUpdate().first('id', 'email', 'updated_from_stripe_at');
}

export async function updateDonor(db: Db, id: string, changes: Record<string, unknown>): Promise<void> {
  await db('donors')
    .where({ id })
    .update({ ...changes, updated_at: db.fn.now() });
}

/** The name a receipt or statement is made out to, and whether the donor was anonymized. */
export async function findDonorNameForDocuments(
  db: Db,
  donorId: string,
): Promise<{ name: string | null; email: string; anonymized_at: Date | null } | undefined> {
  return db('donors').where({ id: donorId }).first('name', 'email', 'anonymized_at');
}

/** How many donors there are: kept by triggers on `donors` (migrations/20261201000000), so not a count of 200,000 rows per page. */
export async function countDonors(db: Db): Promise<number> {
  const row: { donors: number } | undefined = await db('donor_count').first('donors');
  return Number(row?.donors ?? 0);
}
