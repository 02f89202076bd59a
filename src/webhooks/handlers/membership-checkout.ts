import type Stripe from 'stripe';
import { upsertDonorFromSession } from '../../donors/donor-queries';
import { applyStatusHint } from '../../members/apply-subscription';
import { idOf } from '../../stripe/object-id';
import { lockMembershipFor, updateMembership } from '../../members/membership-queries';
import type { HandlerContext } from '../handler-types';

/**
 * A Checkout Session in subscription mode: it creates the membership's link to
 * its subscription and donor, not a payment (payments come from invoices, the
 * first one included, so nothing is counted twice).
 */
export async function handleMembershipCheckout(ctx: HandlerContext, event: Stripe.Event, session: Stripe.Checkout.Session) {
  const at = new Date(event.created * 1000);
  const membership = await lockMembershipFor(ctx.trx, {
    subscriptionId: idOf(session.subscription),
    membershipId: session.metadata?.membership_id ?? session.client_reference_id,
  });
  if (!membership) {
    ctx.logger.info({ event_id: event.id, session_id: session.id }, 'subscription checkout has no membership; ignored');
    return;
  }
  if (membership.stripe_checkout_session_id && membership.stripe_checkout_session_id !== session.id) {
    ctx.logger.warn({ membership_id: membership.id, session_id: session.id }, 'session does not match the membership it names');
    return;
  }

  if (event.type === 'checkout.session.expired') {
    if (membership.status === 'pending') await updateMembership(ctx.trx, membership.id, { status: 'abandoned', status_at: at });
    return;
  }

  const donor = await upsertDonorFromSession(ctx.trx, session, membership.email);
  const links = {
    stripe_checkout_session_id: session.id,
    stripe_subscription_id: idOf(session.subscription) ?? membership.stripe_subscription_id,
    stripe_customer_id: idOf(session.customer) ?? membership.stripe_customer_id,
    donor_id: donor?.id ?? membership.donor_id,
  };
  // A paid session means the first invoice was paid; the subscription's own
  // events carry the authoritative status and win when they are newer.
  const hint = session.payment_status === 'paid' || session.payment_status === 'no_payment_required' ? 'active' : 'incomplete';
  if (membership.status === 'pending') await applyStatusHint(ctx.trx, membership, hint, at, links);
  else await applyStatusHint(ctx.trx, membership, membership.status, at, links);
}
