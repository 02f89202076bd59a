import type { Knex } from 'knex';
import { feePortion } from '../lib/money';
import type { MembershipRow } from '../members/membership-queries';
import { readSettings } from '../settings/settings';
import { attributionColumnsOf, findDonationIdByInvoice, insertInvoiceDonation, lockDonation } from './donation-queries';
import { markDonationSucceeded } from './record-payment';

const FREQUENCY = { month: 'monthly', year: 'annual' } as const;

export interface InvoicePayment {
  invoiceId: string;
  currency: string;
  amountPaid: number;
  paymentIntentId: string | null;
  paidAt: Date;
}

/**
 * A membership's paid invoice becomes one donation (unique by invoice id),
 * the first invoice included, so the payment is counted once whichever of the
 * checkout, subscription and invoice events comes first. It carries the
 * membership's attribution, so renewals count for the story that won the
 * member. The receipt follows from the donation becoming paid.
 */
export async function recordInvoicePayment(trx: Knex.Transaction, membership: MembershipRow, payment: InvoicePayment): Promise<void> {
  if (payment.amountPaid <= 0) return; // trials and fully discounted invoices move no money
  const { giving } = await readSettings(trx);
  const fees = membership.fee_covered
    ? feePortion(payment.amountPaid, { percentBps: giving.fee_percent_bps, fixed: giving.fee_fixed })
    : 0;
  const id = await insertInvoiceDonation(trx, {
    stripe_invoice_id: payment.invoiceId,
    frequency: FREQUENCY[membership.interval],
    currency: payment.currency,
    amount: payment.amountPaid,
    fee_amount: fees,
    fee_covered: fees > 0,
    membership_id: membership.id,
    donor_id: membership.donor_id,
    anonymous: membership.anonymous,
    tribute_name: membership.tribute_name,
    ...attributionColumnsOf(membership),
  });
  const donation = (await lockDonation(trx, id))!;
  if (donation.status !== 'pending') return; // already recorded (a replay, or a dispute since)
  await markDonationSucceeded(trx, donation, {
    amountPaid: payment.amountPaid,
    paymentIntentId: payment.paymentIntentId,
    paidAt: payment.paidAt,
  });
}

/** Whether an invoice's payment is recorded: a failure reported after it is old news. */
export async function isInvoicePaid(trx: Knex.Transaction, invoiceId: string): Promise<boolean> {
  return (await findDonationIdByInvoice(trx, invoiceId)) !== undefined;
}
