import type Stripe from 'stripe';
import { upsertDonorFromSession } from '../../donors/donor-queries';
import { idOf } from '../../stripe/object-id';
import {
  lockDonation,
  lockDonationByCheckoutSession,
  updateDonation,
  type DonationRow,
  type DonationStatus,
} from '../../giving/donation-queries';
import type { EventHandler, HandlerContext } from '../handler-types';
import { handleMembershipCheckout } from './membership-checkout';
import { markDonationSucceeded } from './donation-paid';

/**
 * How far along a donation is. A status only moves to a higher rank, so a late
 * or repeated event (an `expired` after `completed`, a `completed` with
 * `unpaid` after `async_payment_succeeded`) can never undo a newer outcome.
 */
const RANK: Record<DonationStatus, number> = {
  pending: 0,
  abandoned: 1,
  failed: 2,
  succeeded: 3,
  refunded: 4,
  partially_refunded: 4,
  disputed: 4,
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Outcome = 'paid' | 'processing' | 'failed' | 'expired';

function outcomeOf(event: Stripe.Event, session: Stripe.Checkout.Session): Outcome {
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

  const at = new Date(event.created * 1000);
  const outcome = outcomeOf(event, session);
  const donorId = outcome === 'expired' ? donation.donor_id : await donorFor(ctx, session, donation);
  const base = { stripe_checkout_session_id: session.id, donor_id: donorId };

  if (outcome === 'paid' && RANK[donation.status] < RANK.succeeded) {
    if (session.amount_total !== null && session.amount_total !== donation.amount) {
      ctx.logger.warn(
        { donation_id: donation.id, expected: donation.amount, paid: session.amount_total },
        'amount paid differs from amount requested',
      );
    }
    const receipt = await markDonationSucceeded(
      ctx.trx,
      donation,
      { amountPaid: session.amount_total ?? donation.amount, paymentIntentId: idOf(session.payment_intent), paidAt: at },
      base,
    );
    if (receipt.kind !== 'none') {
      ctx.logger.info({ donation_id: donation.id, receipt_id: receipt.receipt.id, receipt_change: receipt.kind }, 'receipt issued');
    }
  } else if (outcome === 'processing' && donation.status === 'pending') {
    await updateDonation(ctx.trx, donation.id, {
      ...base,
      stripe_payment_intent_id: idOf(session.payment_intent),
      processing_at: donation.processing_at ?? at,
    });
  } else if (outcome === 'failed' && RANK[donation.status] < RANK.failed) {
    await updateDonation(ctx.trx, donation.id, {
      ...base,
      status: 'failed',
      failure_reason: 'async_payment_failed',
      stripe_payment_intent_id: idOf(session.payment_intent),
      failed_at: at,
    });
  } else if (outcome === 'expired' && donation.status === 'pending' && donation.processing_at === null) {
    await updateDonation(ctx.trx, donation.id, { status: 'abandoned', abandoned_at: at });
  } else if (donorId !== donation.donor_id) {
    await updateDonation(ctx.trx, donation.id, { donor_id: donorId });
  }
};

/** Our donation id travels in metadata and client_reference_id; the session id is the fallback. */
async function findOurDonation(ctx: HandlerContext, session: Stripe.Checkout.Session): Promise<DonationRow | null> {
  const id = session.metadata?.donation_id ?? session.client_reference_id ?? null;
  const donation = id && UUID.test(id)
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
