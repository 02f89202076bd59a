import type { Knex } from 'knex';
import { issueReceiptForDonation, type ReceiptChange } from '../receipts/issue-receipt';
import { donationChangesFromCharge, type ChargeFacts } from './charge-facts';
import { findChargeForDonation, lockPaymentIntent } from './charge-queries';
import { updateDonation, type DonationRow } from './donation-queries';
import { isPaid, statusAfterRefunds } from './donation-status';

export interface Payment {
  amountPaid: number;
  paymentIntentId: string | null;
  paidAt: Date;
}

/**
 * The one way a donation becomes paid, whichever event reports it (a
 * checkout session, `invoice.paid` for memberships): it records the payment,
 * folds in any charge facts that arrived first (card, charge id, refunds),
 * and issues the receipt. The caller holds the donation's row lock.
 */
export async function markDonationSucceeded(
  trx: Knex.Transaction,
  donation: DonationRow,
  payment: Payment,
  changes: Partial<DonationRow> = {},
): Promise<ReceiptChange> {
  const paymentIntentId = payment.paymentIntentId ?? donation.stripe_payment_intent_id;
  // A charge event for this payment intent may be committing right now without
  // having found this donation; waiting for it makes its row visible below.
  if (paymentIntentId) await lockPaymentIntent(trx, paymentIntentId);
  const paid = { ...donation, ...changes, stripe_payment_intent_id: paymentIntentId };
  const charge = await findChargeForDonation(trx, paid);
  const fromCharge = charge ? donationChangesFromCharge(paid, charge) : {};
  const amountRefunded = fromCharge.amount_refunded ?? donation.amount_refunded;
  await updateDonation(trx, donation.id, {
    ...changes,
    ...fromCharge,
    // A refund that arrived before the success event is not lost: the status says so at once.
    status: statusAfterRefunds(payment.amountPaid, amountRefunded),
    amount_paid: payment.amountPaid,
    stripe_payment_intent_id: paymentIntentId,
    paid_at: payment.paidAt,
  });
  return issueReceiptForDonation(trx, donation.id);
}

/**
 * Applies a charge's facts to its donation. Before the donation is paid only
 * the facts are kept (the success event folds them in); once it is paid, a
 * grown refund moves the status and voids or corrects the receipt.
 */
export async function applyChargeToDonation(
  trx: Knex.Transaction,
  donation: DonationRow,
  charge: ChargeFacts,
): Promise<ReceiptChange | null> {
  const changes = donationChangesFromCharge(donation, charge);
  const amountRefunded = changes.amount_refunded ?? donation.amount_refunded;
  const paid = isPaid(donation.status);
  if (paid) changes.status = statusAfterRefunds(donation.amount_paid ?? donation.amount, amountRefunded);
  const unchanged = (Object.keys(changes) as (keyof DonationRow)[]).every((key) => changes[key] === donation[key]);
  if (!unchanged) await updateDonation(trx, donation.id, changes);
  return paid ? issueReceiptForDonation(trx, donation.id) : null;
}
