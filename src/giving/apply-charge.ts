import type { Knex } from 'knex';
import type { Logger } from '../lib/logger';
import type { ReceiptChange } from '../receipts/issue-receipt';
import { chargeBelongsTo, type ChargeFacts } from './charge-facts';
import { lockPaymentIntent, recordCharge } from './charge-queries';
import { lockDonation, lockDonationByCharge, lockDonationByPaymentIntent, type DonationRow } from './donation-queries';
import { applyChargeToDonation } from './record-payment';

/**
 * A charge snapshot (`charge.succeeded`, `charge.refunded`): its facts are
 * kept and applied to its donation.
 *
 * - the donation may not be paid yet (Stripe sends `charge.succeeded` before
 *   `checkout.session.completed`, and any event may be delayed): the facts
 *   wait in `stripe_charges`, and the success event folds them in, refunds
 *   included;
 * - a refund snapshot older than one we applied (a smaller cumulative
 *   amount) changes nothing: amounts only grow;
 * - a full refund voids the receipt, a partial one issues a correction
 *   (src/receipts/issue-receipt.ts decides which, from the amounts alone).
 */
export async function applyCharge(
  trx: Knex.Transaction,
  facts: ChargeFacts,
  logger: Logger,
): Promise<{ donation: DonationRow; receipt: ReceiptChange | null } | null> {
  let donation = await lockDonationOfCharge(trx, facts, logger);
  let recorded: ChargeFacts;
  if (donation || !facts.payment_intent_id) {
    recorded = await recordCharge(trx, facts);
  } else {
    // No donation claims this charge yet. Take the payment intent's lock (the
    // one a success event takes before it looks for charges), record, and
    // look again: a success that committed meanwhile is found now; one still
    // in flight holds its donation's row (skipped here) and will read our row
    // once we commit.
    await lockPaymentIntent(trx, facts.payment_intent_id);
    recorded = await recordCharge(trx, facts);
    const found = await lockDonationByPaymentIntent(trx, facts.payment_intent_id, { skipLocked: true });
    donation = found && claims(found, facts, logger) ? found : undefined;
  }
  if (!donation) return null;
  return { donation, receipt: await applyChargeToDonation(trx, donation, recorded) };
}

/**
 * Our donation for a charge: by the id our checkout puts in the payment
 * intent's metadata (Stripe copies it onto the charge), else by payment
 * intent, else by charge id. Locked for the rest of the transaction.
 */
async function lockDonationOfCharge(trx: Knex.Transaction, facts: ChargeFacts, logger: Logger): Promise<DonationRow | undefined> {
  let donation: DonationRow | undefined;
  if (facts.donation_id) donation = await lockDonation(trx, facts.donation_id);
  if (!donation && facts.payment_intent_id) donation = await lockDonationByPaymentIntent(trx, facts.payment_intent_id);
  if (!donation) donation = await lockDonationByCharge(trx, facts.id);
  return donation && claims(donation, facts, logger) ? donation : undefined;
}

function claims(donation: DonationRow, facts: ChargeFacts, logger: Logger): boolean {
  if (chargeBelongsTo(donation, facts)) return true;
  logger.warn({ donation_id: donation.id, charge_id: facts.id }, 'charge does not match the donation it names');
  return false;
}
