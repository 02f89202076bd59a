import type Stripe from 'stripe';
import { applySubscriptionSnapshot } from '../../members/apply-subscription';
import { idOf } from '../../stripe/object-id';
import { lockMembershipFor, type MembershipRow } from '../../members/membership-queries';
import type { EventHandler, HandlerContext } from '../handler-types';
import { METADATA_SOURCE } from '../../giving/create-checkout-session';

/**
 * `customer.subscription.created|updated|deleted`: the subscription snapshot
 * in the event is applied if it is newer than the one held (see
 * applySubscriptionSnapshot). A subscription of ours whose membership row is
 * unknown (metadata names none we have) is recorded as a new membership so
 * that nothing Stripe bills goes unseen.
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
  return createMembershipFromStripe(ctx, {
    subscriptionId: subscription.id,
    customerId: idOf(subscription.customer),
    currency: subscription.currency,
    amount: subscription.items?.data?.[0]?.price?.unit_amount ?? null,
    interval: subscription.items?.data?.[0]?.price?.recurring?.interval === 'year' ? 'year' : 'month',
  });
}

/** A membership known only from Stripe: its donor is linked by customer id when we know them. */
export async function createMembershipFromStripe(
  ctx: HandlerContext,
  facts: { subscriptionId: string; customerId: string | null; currency: string; amount: number | null; interval: 'month' | 'year' },
): Promise<MembershipRow | null> {
  if (!facts.amount || facts.amount <= 0) return null;
  const donor: { id: string } | undefined = facts.customerId
    ? await ctx.trx('donors').where({ stripe_customer_id: facts.customerId }).first('id')
    : undefined;
  const [row] = await ctx.trx('memberships')
    .insert({
      stripe_subscription_id: facts.subscriptionId,
      stripe_customer_id: facts.customerId,
      donor_id: donor?.id ?? null,
      status: 'incomplete',
      currency: facts.currency,
      amount: facts.amount,
      interval: facts.interval,
    })
    .onConflict('stripe_subscription_id')
    .ignore()
    .returning('*');
  if (row) return row as MembershipRow;
  return lockMembershipFor(ctx.trx, { subscriptionId: facts.subscriptionId });
}
