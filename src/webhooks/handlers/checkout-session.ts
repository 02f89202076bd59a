import type Stripe from 'stripe';
import { z } from 'zod';
import { upsertDonorFromSession } from '../../donors/donor-queries';
import { applyCheckoutOutcome, type CheckoutOutcome } from '../../giving/apply-checkout-outcome';
import { lockDonation, lockDonationByCheckoutSession, type DonationRow } from '../../giving/donation-queries';
import { idOf } from '../../stripe/object-id';
import type { EventHandler, HandlerContext } from '../handler-types';
import { handleMembershipCheckout } from './membership-checkout';

const donationId = z.uuid();

function outcomeOf(event: Stripe.Event, session: Stripe.Checkout.Session): CheckoutOutcome {
  switch (event.type) {
    case 'checkout.session.async_payment_succeeded':
      return 'paid';
    case 'checkout.session.async_payment_failed':
      return 'failed';
    case 'checkout.session.expired':
      return 'expired';
    default:
      // completed: card payments arrive paid; delayed methods (bank debits)
      // arrive unpaid and settle later through the async_payment_* events.
      return session.payment_status === 'unpaid' ? 'processing' : 'paid';
  }
}

/** `checkout.session.*`: a one-time donation moves along (giving/apply-checkout-outcome); a subscription's goes to members. */
export const handleCheckoutSessionEvent: EventHandler = async (ctx, event) => {
  const session = event.data.object as Stripe.Checkout.Session;
  if (session.mode === 'subscription') return handleMembershipCheckout(ctx, event, session);
  if (session.mode !== 'payment') {
    ctx.logger.debug({ event_id: event.id, mode: session.mode }, 'checkout session mode not handled here');
    return;
  }
  const donation = await findOurDonation(ctx, session);
  if (!donation) {
    // Not a session we opened (another tool on the same Stripe account, or a
    // row deleted since): recorded in the ledger, nothing invented.
    ctx.logger.info({ event_id: event.id, session_id: session.id }, 'checkout session has no donation; ignored');
    return;
  }
  const outcome = outcomeOf(event, session);
  const donorId = outcome === 'expired' ? donation.donor_id : await donorFor(ctx, session, donation);
  await applyCheckoutOutcome(
    ctx.trx,
    donation,
    {
      outcome,
      sessionId: session.id,
      amountTotal: session.amount_total,
      paymentIntentId: idOf(session.payment_intent),
      at: new Date(event.created * 1000),
      donorId,
    },
    ctx.logger,
  );
};

/** Our donation id travels in metadata and client_reference_id; the session id is the fallback. */
async function findOurDonation(ctx: HandlerContext, session: Stripe.Checkout.Session): Promise<DonationRow | null> {
  const id = session.metadata?.donation_id ?? session.client_reference_id ?? null;
  const donation = id && donationId.safeParse(id).success
    ? await lockDonation(ctx.trx, id)
    : await lockDonationByCheckoutSession(ctx.trx, session.id);
  if (!donation) return null;
  if (donation.stripe_checkout_session_id && donation.stripe_checkout_session_id !== session.id) {
    ctx.logger.warn({ donation_id: donation.id, session_id: session.id }, 'session does not match the donation it names');
    return null;
  }
  return donation;
}

async function donorFor(ctx: HandlerContext, session: Stripe.Checkout.Session, donation: DonationRow) {
  const donor = await upsertDonorFromSession(ctx.trx, session, donation.email);
  return donor?.id ?? donation.donor_id;
}
