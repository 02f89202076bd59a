import type { Knex } from 'knex';
import { lockDonation, type DonationRow } from '../giving/donation-queries';
import { isPaid } from '../giving/donation-status';
import { findDonorMailbox } from '../donors/donor-queries';
import { enqueueEmail } from '../mail/outbox-queries';
import { readSettings } from '../settings/settings';
import { formatReceiptNumber, yearInTimeZone } from './receipt-number';
import { insertReceipt, lockReceiptsForDonation, takeReceiptSequence, voidReceipt, type ReceiptKind, type ReceiptRow } from './receipt-queries';
import { deductibleAmount } from './receipt-wording';

export type ReceiptChange =
  | { kind: 'none'; current: ReceiptRow | null }
  | { kind: 'issued'; receipt: ReceiptRow }
  | { kind: 'corrected'; receipt: ReceiptRow; replaced: ReceiptRow }
  | { kind: 'voided'; receipt: ReceiptRow };

/**
 * Brings a donation's receipts in line with the money it kept: the first
 * receipt once it is paid, a correction after a partial refund, a void after a
 * full one. Call it, inside the transaction that changed the donation,
 * whenever a donation becomes paid or its refunded amount grows; it works out
 * what (if anything) is owed from the donation row alone, so the order and
 * repetition of the events that led there do not matter:
 *
 * - it locks the donation, so two transactions for one donation take turns
 *   and the second sees the first's receipt;
 * - the receipt acknowledges what was kept (paid minus refunded): a refund
 *   recorded before the payment's success event yields one receipt for the
 *   net, or none when everything was refunded;
 * - receipts are never edited: a smaller net voids the receipt in force and
 *   issues a correction naming it; nothing ever raises an amount.
 *
 * Mail is queued in the same transaction, keyed by receipt id, so a retried
 * event never sends twice and a rolled-back one sends nothing.
 */
export async function issueReceiptForDonation(trx: Knex.Transaction, donationId: string): Promise<ReceiptChange> {
  const donation = await lockDonation(trx, donationId);
  if (!donation || !isPaid(donation.status) || !donation.paid_at) return { kind: 'none', current: null };
  const kept = Math.max(0, (donation.amount_paid ?? donation.amount) - donation.amount_refunded);

  const receipts = await lockReceiptsForDonation(trx, donation.id);
  const current = receipts.find((r) => r.voided_at === null) ?? null;
  if (receipts.length === 0) {
    if (kept === 0) return { kind: 'none', current: null };
    const receipt = await issue(trx, donation, kept, 'donation', null);
    await notify(trx, donation, 'receipt', `receipt:${receipt.id}`, receipt);
    return { kind: 'issued', receipt };
  }
  // Every receipt voided: the gift was refunded in full, and refunds never shrink.
  if (!current || current.amount <= kept) return { kind: 'none', current };

  if (kept === 0) {
    await voidReceipt(trx, current.id, 'refunded');
    const voided = { ...current, voided_at: new Date(), void_reason: 'refunded' as const };
    await notify(trx, donation, 'receipt-void', `receipt-void:${current.id}`, current);
    return { kind: 'voided', receipt: voided };
  }
  // Void first: at most one receipt per donation may be in force (a unique index holds us to it).
  await voidReceipt(trx, current.id, 'corrected');
  const correction = await issue(trx, donation, kept, 'correction', current.id);
  await notify(trx, donation, 'receipt-corrected', `receipt:${correction.id}`, correction);
  return { kind: 'corrected', receipt: correction, replaced: current };
}

async function issue(
  trx: Knex.Transaction,
  donation: DonationRow,
  amount: number,
  kind: ReceiptKind,
  replaces: string | null,
): Promise<ReceiptRow> {
  const paidAt = donation.paid_at as Date;
  const { organization } = await readSettings(trx);
  // A correction stays in the series of the contribution's year, the tax year it amends.
  const year = yearInTimeZone(paidAt, organization.timezone);
  const sequence = await takeReceiptSequence(trx, year);
  return insertReceipt(trx, {
    number: formatReceiptNumber(year, sequence),
    year,
    sequence,
    kind,
    donation_id: donation.id,
    donor_id: donation.donor_id,
    currency: donation.currency,
    amount,
    goods_value: donation.goods_value,
    goods_description: donation.goods_description,
    deductible_amount: deductibleAmount(amount, donation.goods_value),
    contributed_at: paidAt,
    replaces_receipt_id: replaces,
  });
}

/** Queues the message to the donor's current address; without one the receipt still exists, unsent. */
async function notify(
  trx: Knex.Transaction,
  donation: DonationRow,
  template: 'receipt' | 'receipt-corrected' | 'receipt-void',
  dedupeKey: string,
  receipt: ReceiptRow,
): Promise<void> {
  if (!donation.donor_id) return;
  const to = await findDonorMailbox(trx, donation.donor_id);
  if (!to) return;
  await enqueueEmail(trx, { to, template, data: { receipt_id: receipt.id }, dedupeKey });
}
