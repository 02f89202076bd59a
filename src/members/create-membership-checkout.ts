import type Stripe from 'stripe';
import { giftCheckoutParams, METADATA_SOURCE, openCheckoutSession, type CheckoutDeps } from '../giving/create-checkout-session';
import { attributionMetadata } from '../giving/attribution';
import type { DonationRequest } from '../giving/donation-form';
import { giftColumns } from '../giving/donation-queries';
import type { Settings } from '../settings/settings';
import { attachMembershipCheckoutSession, insertPendingMembership, markMembershipCheckoutFailed } from './membership-queries';

const INTERVAL = { monthly: 'month', annual: 'year' } as const;

/**
 * Starts a membership: a pending membership row (our id, the attribution),
 * then a Checkout Session in subscription mode at the donor's own amount.
 * Our id travels in the session's and the subscription's metadata, so every
 * invoice, renewal and refund can be traced back to the row.
 */
export async function createMembershipCheckout(
  deps: CheckoutDeps,
  settings: Settings,
  request: DonationRequest,
): Promise<{ id: string; url: string }> {
  if (request.frequency === 'once') throw new Error('a one-time gift is not a membership');
  const interval = INTERVAL[request.frequency];
  const { id } = await insertPendingMembership(deps.db, { interval, ...giftColumns(request) });
  const session = await openCheckoutSession(deps, membershipCheckoutParams(deps.baseUrl, settings, request, id), `membership-checkout-${id}`, () =>
    markMembershipCheckoutFailed(deps.db, id),
  );
  await attachMembershipCheckoutSession(deps.db, id, session.id);
  return { id, url: session.url! };
}

export function membershipCheckoutParams(
  baseUrl: string,
  settings: Settings,
  request: DonationRequest,
  membershipId: string,
): Stripe.Checkout.SessionCreateParams {
  const org = settings.organization.name;
  const interval = INTERVAL[request.frequency as 'monthly' | 'annual'];
  const metadata = { membership_id: membershipId, source: METADATA_SOURCE, ...attributionMetadata(request.attribution) };
  const name = `${interval === 'month' ? 'Monthly' : 'Yearly'} membership, ${org}`;
  return {
    mode: 'subscription',
    ...giftCheckoutParams(baseUrl, request, membershipId, name, { interval }),
    metadata,
    // Copied by Stripe onto every invoice (parent.subscription_details.metadata): how renewals find the row.
    subscription_data: { metadata, description: `Membership of ${org}` },
  };
}
