import type { Knex } from 'knex';
import { isUniqueViolation } from '../db/pg-errors';
import { endDonorSessions } from '../http/session-queries';
import type { Logger } from '../lib/logger';
import { lockDonorByCustomer, updateDonor } from './donor-queries';

export interface CustomerFacts {
  customerId: string;
  email: string | null;
  name: string | null;
  /** When Stripe took this snapshot of the customer (the event's `created`). */
  at: Date;
}

/**
 * Keeps the donor's email and name as the donor last set them in Stripe (the
 * billing portal, or staff in the dashboard); an older snapshot changes
 * nothing. An address that already belongs to another donor is left alone:
 * merging two donors is a staff decision, not a webhook's.
 */
export async function applyCustomerUpdate(trx: Knex.Transaction, customer: CustomerFacts, logger: Logger): Promise<void> {
  const donor = await lockDonorByCustomer(trx, customer.customerId);
  if (!donor) return;
  if (donor.updated_from_stripe_at && donor.updated_from_stripe_at.getTime() > customer.at.getTime()) return;
  const changes: Record<string, unknown> = { updated_from_stripe_at: customer.at };
  if (customer.name) changes.name = customer.name;
  if (customer.email) changes.email = customer.email;
  // Savepoint: a clash with another donor's address must not abort the event's transaction.
  try {
    await trx.transaction((savepoint) => updateDonor(savepoint, donor.id, changes));
    if (customer.email && customer.email.toLowerCase() !== donor.email.toLowerCase()) {
      // The account's sign-in address changed outside Sustain: whoever is signed
      // in must prove they hold the new address before seeing the donor's giving.
      await endDonorSessions(trx, donor.id);
    }
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    delete changes.email;
    await updateDonor(trx, donor.id, changes);
    logger.warn({ donor_id: donor.id }, 'customer email belongs to another donor; email not changed');
  }
}
