import type { Knex } from 'knex';
import { lockDonationByChargeOrPaymentIntent, updateDonation } from './donation-queries';
import { isDisputable, statusAfterRefunds } from './donation-status';

const CLOSED = new Set(['won', 'lost', 'prevented']);

export interface DisputeFacts {
  chargeId: string | null;
  paymentIntentId: string | null;
  /** Stripe's dispute status (`needs_response`, `won`, `lost`...). */
  status: string;
  /** The event says the dispute closed (`charge.dispute.closed`). */
  closed: boolean;
}

/**
 * A disputed payment is marked disputed; when the dispute closes it returns
 * to what its refunds say (won) or stays disputed (lost). A `created` event
 * arriving after `closed` changes nothing: a closed dispute's outcome is
 * final. Returns false when the dispute names no paid donation of ours.
 */
export async function applyDispute(trx: Knex.Transaction, dispute: DisputeFacts): Promise<boolean> {
  const donation = await lockDonationByChargeOrPaymentIntent(trx, dispute);
  if (!donation || !isDisputable(donation.status)) return false;
  const closing = dispute.closed || CLOSED.has(dispute.status);
  if (!closing) {
    if (donation.dispute_status && CLOSED.has(donation.dispute_status)) return true;
    await updateDonation(trx, donation.id, { status: 'disputed', dispute_status: dispute.status });
    return true;
  }
  const status = dispute.status === 'lost' ? 'disputed' : statusAfterRefunds(donation.amount_paid ?? donation.amount, donation.amount_refunded);
  await updateDonation(trx, donation.id, { status, dispute_status: dispute.status });
  return true;
}
