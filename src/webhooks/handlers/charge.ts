import type Stripe from 'stripe';
import type { DonationRow } from '../../giving/donation-queries';
import type { EventHandler, HandlerContext } from '../handler-types';
import { chargeFactsFrom, lockPaymentIntent, recordCharge, type ChargeFacts } from './charge-facts';
import { applyChargeToDonation } from './donation-paid';

/**
 * `charge.succeeded` and `charge.refunded`. Both carry the whole charge: its
 * card (brand, last 4) and its cumulative `amount_refunded`. We keep the
 * charge's facts and apply them to its donation:
 *
 * - the donation may not be paid yet (Stripe sends `charge.succeeded` before
 *   `checkout.session.completed`, and any event may be delayed): the facts
 *   wait on the donation and in `stripe_charges`, and the success event
 *   folds them in, refunds included;
 * - a refund snapshot older than one we applied (a smaller cumulative
 *   amount) changes nothing: amounts only grow;
 * - a full refund voids the receipt, a partial one issues a correction
 *   (src/receipts/issue-receipt.ts decides which, from the amounts alone).
 */
export const handleChargeEvent: EventHandler = async (ctx, event) => {
  const charge = event.data.object as Stripe.Charge;
  if (charge.status === 'failed') return;
  const facts = chargeFactsFrom(charge);

  let donation = await lockDonationOfCharge(ctx, facts);
  let recorded: ChargeFacts;
  if (donation || !facts.payment_intent_id) {
    recorded = await recordCharge(ctx.trx, facts);
  } else {
    // No donation claims this charge yet. Take the payment intent's lock (the
    // one a success event takes before it looks for charges), record, and
    // look again: a success that committed meanwhile is found now; one still
    // in flight holds its donation's row (skipped here) and will read our row
    // once we commit.
    await lockPaymentIntent(ctx.trx, facts.payment_intent_id);
    recorded = await recordCharge(ctx.trx, facts);
    const found = await ctx
      .trx<DonationRow>('donations')
      .where({ stripe_payment_intent_id: facts.payment_intent_id })
      .forUpdate()
      .skipLocked()
      .first();
    donation = found && claims(ctx, found, facts) ? found : undefined;
  }
  if (!donation) {
    ctx.logger.info({ event_id: event.id, charge_id: facts.id }, 'charge has no donation yet; its facts are kept');
    return;
  }
  const change = await applyChargeToDonation(ctx.trx, donation, recorded);
  if (change && change.kind !== 'none') {
    ctx.logger.info(
      { event_id: event.id, donation_id: donation.id, receipt_id: change.receipt.id, receipt_change: change.kind },
      'receipt updated after charge',
    );
  }
};

/**
 * Our donation for a charge: by the id our checkout puts in the payment
 * intent's metadata (Stripe copies it onto the charge), else by payment
 * intent, else by charge id. Locked for the rest of the transaction.
 */
async function lockDonationOfCharge(ctx: HandlerContext, facts: ChargeFacts): Promise<DonationRow | undefined> {
  const donations = () => ctx.trx<DonationRow>('donations').forUpdate();
  let donation: DonationRow | undefined;
  if (facts.donation_id) donation = await donations().where({ id: facts.donation_id }).first();
  if (!donation && facts.payment_intent_id) {
    donation = await donations().where({ stripe_payment_intent_id: facts.payment_intent_id }).first();
  }
  if (!donation) donation = await donations().where({ stripe_charge_id: facts.id }).first();
  return donation && claims(ctx, donation, facts) ? donation : undefined;
}

/** Metadata can be copied between objects by other tools; the Stripe ids we recorded win. */
function claims(ctx: HandlerContext, donation: DonationRow, facts: ChargeFacts): boolean {
  const otherIntent =
    donation.stripe_payment_intent_id && facts.payment_intent_id && donation.stripe_payment_intent_id !== facts.payment_intent_id;
  const otherCharge = donation.stripe_charge_id && donation.stripe_charge_id !== facts.id;
  if (otherIntent || otherCharge) {
    ctx.logger.warn({ donation_id: donation.id, charge_id: facts.id }, 'charge does not match the donation it names');
    return false;
  }
  return true;
}
