import type Stripe from 'stripe';
import { formatMoney } from '../lib/money';
import type { Settings } from '../settings/settings';
import type { DonationRow } from './donation-queries';

export function thanksPageModel(
  settings: Settings,
  session: Stripe.Checkout.Session,
  donation: DonationRow | null,
  isAllowedReturn: (url: string) => boolean,
) {
  const paid = session.payment_status === 'paid' || session.payment_status === 'no_payment_required';
  const processing = session.status === 'complete' && !paid;
  const returnTo = donation?.return_to && isAllowedReturn(donation.return_to) ? donation.return_to : null;
  const amount = session.amount_total !== null && session.currency
    ? formatMoney(session.amount_total, session.currency)
    : null;
  return {
    title: paid ? 'Thank you for your donation' : processing ? 'Your donation is processing' : 'Donation not completed',
    org: settings.organization,
    state: paid ? 'paid' : processing ? 'processing' : 'incomplete',
    amount,
    email: session.customer_details?.email ?? null,
    articleTitle: donation?.article_title ?? null,
    returnTo,
  };
}
