import type Stripe from 'stripe';
import { formatMoney } from '../lib/money';
import type { Settings } from '../settings/settings';

/** The row a checkout was opened for: a donation, or a membership (with its interval). */
export interface CheckoutOrigin {
  return_to: string | null;
  article_title: string | null;
  interval?: 'month' | 'year';
}

export function buildThanksView(
  settings: Settings,
  session: Stripe.Checkout.Session,
  origin: CheckoutOrigin | null,
  isAllowedReturn: (url: string) => boolean,
) {
  const paid = session.payment_status === 'paid' || session.payment_status === 'no_payment_required';
  const processing = session.status === 'complete' && !paid;
  const returnTo = origin?.return_to && isAllowedReturn(origin.return_to) ? origin.return_to : null;
  const amount = session.amount_total !== null && session.currency
    ? formatMoney(session.amount_total, session.currency)
    : null;
  return {
    title: paid ? 'Thank you for your donation' : processing ? 'Your donation is processing' : 'Donation not completed',
    org: settings.organization,
    state: paid ? 'paid' : processing ? 'processing' : 'incomplete',
    amount,
    email: session.customer_details?.email ?? null,
    articleTitle: origin?.article_title ?? null,
    membership: session.mode === 'subscription' ? (origin?.interval === 'year' ? 'yearly' : 'monthly') : null,
    returnTo,
  };
}
