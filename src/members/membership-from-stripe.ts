import type { Knex } from 'knex';
import { findDonorIdByCustomer } from '../donors/donor-queries';
import { insertMembershipFromStripe, lockMembershipFor, type MembershipRow } from './membership-queries';
import type { MembershipInterval } from './membership-status';
import { attributionFromMetadata } from '../giving/attribution';

export interface SubscriptionFacts {
  subscriptionId: string;
  customerId: string | null;
  currency: string;
  amount: number | null;
  interval: MembershipInterval;
  /** From the subscription's metadata (copied onto its invoices): where the first gift came from. */
  metadata: Record<string, string> | null | undefined;
}

/**
 * A subscription of ours whose membership row is unknown (its checkout and
 * subscription events have not arrived, or metadata names none we hold) is
 * recorded as a new membership, so nothing Stripe bills goes unseen. Its
 * donor is linked by customer id when we know them. Null for a subscription
 * with no amount (not a membership).
 */
export async function createMembershipFromStripe(trx: Knex.Transaction, facts: SubscriptionFacts): Promise<MembershipRow | null> {
  if (!facts.amount || facts.amount <= 0) return null;
  const donorId = facts.customerId ? await findDonorIdByCustomer(trx, facts.customerId) : null;
  const inserted = await insertMembershipFromStripe(trx, {
    stripe_subscription_id: facts.subscriptionId,
    stripe_customer_id: facts.customerId,
    donor_id: donorId,
    status: 'incomplete',
    currency: facts.currency,
    amount: facts.amount,
    interval: facts.interval,
    ...attributionFromMetadata(facts.metadata),
  });
  return inserted ?? lockMembershipFor(trx, { subscriptionId: facts.subscriptionId });
}
