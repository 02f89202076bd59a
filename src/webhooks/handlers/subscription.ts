import type Stripe from 'stripe';
import { applySubscriptionSnapshot } from '../../members/apply-subscription';
import { idOf } from '../../stripe/object-id';
import { lockMembershipFor, type MembershipRow } from '../../members/membership-queries';
import type { EventHandler, HandlerContext } from '../handler-types';
import { METADATA_SOURCE } from '../../giving/create-checkout-session';
import { createMembershipFromStripe } from '../../members/membership-from-stripe';

/**
 * `customer.subscription.created|updated|deleted`: the subscription snapshot
 * in the event is applied if it is newer than the one held (see
 * applySubscriptionSnapshot). A subscription of ours whose membership row is
 * unknown is recorded as a new one (members/membership-from-stripe).
 */
export const handleSubscriptionEvent: EventHandler = async (ctx, event) => {
  const subscription = event.data.object as Stripe.Subscription;
  const membership = await membershipFor(ctx, subscription);
  if (!membership) return;
  await applySubscriptionSnapshot(ctx.trx, membership, subscription, new Date(event.created * 1000));
};

async function membershipFor(ctx: HandlerContext, subscription: Stripe.Subscription): Promise<MembershipRow | null> {
  const found = await lockMembershipFor(ctx.trx, {
    subscriptionId: subscription.id,
    membershipId: subscription.metadata?.membership_id,
  });
  if (found) return found;
  if (subscription.metadata?.source !== METADATA_SOURCE) {
    ctx.logger.info({ subscription_id: subscription.id }, 'subscription not started by Sustain; ignored');
    return null;
  }
  return createMembershipFromStripe(ctx.trx, {
    subscriptionId: subscription.id,
    customerId: idOf(subscription.customer),
    currency: subscription.currency,
    amount: subscription.items?.data?.[0]?.price?.unit_amount ?? null,
    interval: subscription.items?.data?.[0]?.price?.recurring?.interval === 'year' ? 'year' : 'month',
    metadata: subscription.metadata,
  });
}
