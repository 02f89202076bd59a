import type Stripe from 'stripe';
import { updateDonation, type DonationRow } from '../../giving/donation-queries';
import { idOf } from '../../stripe/object-id';
import type { EventHandler, HandlerContext } from '../handler-types';
import { PAID_STATUSES, statusAfterRefunds } from './donation-paid';

const CLOSED = new Set(['won', 'lost', 'prevented']);

/**
 * `charge.dispute.created` / `charge.dispute.closed`: a disputed payment is
 * marked disputed; when the dispute closes it returns to what its refunds say
 * (won) or stays disputed (lost). A `created` event arriving after `closed`
 * changes nothing: a closed dispute's outcome is final.
 */
export const handleDisputeEvent: EventHandler = async (ctx, event) => {
  const dispute = event.data.object as Stripe.Dispute;
  const donation = await donationOfDispute(ctx, dispute);
  if (!donation) {
    ctx.logger.info({ event_id: event.id, dispute_id: dispute.id }, 'dispute for a payment we do not hold; recorded only');
    return;
  }
  const closing = event.type === 'charge.dispute.closed' || CLOSED.has(dispute.status);
  if (!closing) {
    if (donation.dispute_status && CLOSED.has(donation.dispute_status)) return;
    await updateDonation(ctx.trx, donation.id, { status: 'disputed', dispute_status: dispute.status });
    return;
  }
  const status = dispute.status === 'lost' ? 'disputed' : statusAfterRefunds(donation.amount_paid ?? donation.amount, donation.amount_refunded);
  await updateDonation(ctx.trx, donation.id, { status, dispute_status: dispute.status });
};

async function donationOfDispute(ctx: HandlerContext, dispute: Stripe.Dispute): Promise<(DonationRow & { dispute_status: string | null }) | null> {
  const chargeId = idOf(dispute.charge);
  const paymentIntentId = idOf(dispute.payment_intent);
  const donation = await ctx
    .trx('donations')
    .where((q) => {
      if (chargeId) q.orWhere('stripe_charge_id', chargeId);
      if (paymentIntentId) q.orWhere('stripe_payment_intent_id', paymentIntentId);
    })
    .forUpdate()
    .first();
  if (!donation || !(PAID_STATUSES.has(donation.status) || donation.status === 'disputed')) return null;
  return donation;
}
