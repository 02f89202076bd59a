import type { Knex } from 'knex';
import { createStaffUser, type StaffRole, type StaffUser } from '../../src/admin/staff-users';

/**
 * Rows as the product leaves them, for tests about what comes after: each
 * factory fills the columns a real row always has and takes overrides for
 * the rest. Tests about how rows come to be go through HTTP and webhooks.
 */
type Row = Record<string, unknown>;

let sequence = 0;
const next = () => (sequence += 1);

export const STAFF_PASSWORD = 'a long staff passphrase';

export async function buildDonor(db: Knex, overrides: Row = {}): Promise<{ id: string; email: string } & Row> {
  const [row] = await db('donors')
    .insert({ email: `donor${next()}@example.com`, ...overrides })
    .returning('*');
  return row;
}

/** A donation: by default a $25 one-time gift, pending (as POST /donate leaves it). */
export async function buildDonation(db: Knex, overrides: Row = {}): Promise<{ id: string } & Row> {
  const [row] = await db('donations')
    .insert({ status: 'pending', frequency: 'once', currency: 'usd', amount: 2500, ...overrides })
    .returning('*');
  return row;
}

/** A paid gift of `amount`: succeeded, paid in full at `paidAt` (now by default). */
export function buildPaidDonation(db: Knex, overrides: Row & { amount?: number } = {}) {
  const amount = overrides.amount ?? 2500;
  return buildDonation(db, { status: 'succeeded', amount, amount_paid: amount, paid_at: new Date(), ...overrides });
}

/** The receipt in force for a paid donation (`buildPaidDonation`), numbered in the year it was paid. */
export async function buildReceipt(db: Knex, donation: Row & { id: string }): Promise<{ id: string; number: string } & Row> {
  const paidAt = (donation.paid_at as Date | undefined) ?? new Date();
  const year = paidAt.getUTCFullYear();
  const sequence = next();
  const amount = Number(donation.amount_paid ?? donation.amount);
  const [row] = await db('receipts')
    .insert({
      number: `${year}-${String(sequence).padStart(6, '0')}`,
      year,
      sequence,
      kind: 'donation',
      donation_id: donation.id,
      donor_id: donation.donor_id ?? null,
      currency: donation.currency ?? 'usd',
      amount,
      deductible_amount: amount,
      contributed_at: paidAt,
    })
    .returning('*');
  return row;
}

/** A membership: by default $10 a month, pending (as POST /donate leaves it). */
export async function buildMembership(db: Knex, overrides: Row = {}): Promise<{ id: string } & Row> {
  const [row] = await db('memberships')
    .insert({ status: 'pending', currency: 'usd', amount: 1000, interval: 'month', ...overrides })
    .returning('*');
  return row;
}

/** A staff account with the test password, through the product's own create path. */
export function buildStaff(db: Knex, overrides: { role?: StaffRole; email?: string; name?: string } = {}): Promise<StaffUser> {
  const role = overrides.role ?? 'staff';
  return createStaffUser(db, {
    email: overrides.email ?? `${role}${next()}@newsroom.example`,
    password: STAFF_PASSWORD,
    role,
    name: overrides.name ?? `${role} person`,
  });
}
