import type { Knex } from 'knex';
import type { Logger } from '../lib/logger';
import { updateDonation, type DonationRow } from './donation-queries';
import { DONATION_STATUS_RANK } from './donation-status';
import { markDonationSucceeded } from './record-payment';

/** What a Checkout Session event says of its one-time donation. */
export type CheckoutOutcome = 'paid' | 'processing' | 'failed' | 'expired';

export interface CheckoutFacts {
  outcome: CheckoutOutcome;
  sessionId: string;
  /** What Stripe charged, when it says. */
  amountTotal: number | null;
  paymentIntentId: string | null;
  /** The event's `created`: when Stripe observed the outcome. */
  at: Date;
  /** The donor the session names, once known. */
  donorId: string | null;
}

/**
 * Moves a one-time donation along by what its Checkout Session reports. A
 * status only moves to a higher rank (DONATION_STATUS_RANK), so a late or
 * repeated event never undoes a newer outcome. The caller holds the
 * donation's row lock.
 */
export async function applyCheckoutOutcome(trx: Knex.Transaction, donation: DonationRow, facts: CheckoutFacts, logger: Logger): Promise<void> {
  const rank = DONATION_STATUS_RANK;
  const base = { stripe_checkout_session_id: facts.sessionId, donor_id: facts.donorId };
  if (facts.outcome === 'paid' && rank[donation.status] < rank.succeeded) {
    if (facts.amountTotal !== null && facts.amountTotal !== donation.amount) {
      logger.warn({ donation_id: donation.id, expected: donation.amount, paid: facts.amountTotal }, 'amount paid differs from amount requested');
    }
    const receipt = await markDonationSucceeded(
      trx,
      donation,
      { amountPaid: facts.amountTotal ?? donation.amount, paymentIntentId: facts.paymentIntentId, paidAt: facts.at },
      base,
    );
    if (receipt.kind !== 'none') {
      logger.info({ donation_id: donation.id, receipt_id: receipt.receipt.id, receipt_change: receipt.kind }, 'receipt issued');
    }
  } else if (facts.outcome === 'processing' && donation.status === 'pending') {
    await updateDonation(trx, donation.id, {
      ...base,
      stripe_payment_intent_id: facts.paymentIntentId,
      processing_at: donation.processing_at ?? facts.at,
    });
  } else if (facts.outcome === 'failed' && rank[donation.status] < rank.failed) {
    await updateDonation(trx, donation.id, {
      ...base,
      status: 'failed',
      failure_reason: 'async_payment_failed',
      stripe_payment_intent_id: facts.paymentIntentId,
      failed_at: facts.at,
    });
  } else if (facts.outcome === 'expired' && donation.status === 'pending' && donation.processing_at === null) {
    // A delayed payment still processing is not abandoned: its async event decides.
    await updateDonation(trx, donation.id, { status: 'abandoned', abandoned_at: facts.at });
  } else if (facts.donorId !== donation.donor_id) {
    await updateDonation(trx, donation.id, { donor_id: facts.donorId });
  }
}
