import type Stripe from 'stripe';
import type { Db } from '../db/knex';
import { NotFoundError } from '../lib/errors';
import type { Logger } from '../lib/logger';
import { formatMoney } from '../lib/money';
import { findMembershipOrigin } from '../members/membership-queries';
import type { Settings } from '../settings/settings';
import { callStripe } from '../stripe/call-stripe';
import { findDonationByCheckoutSession } from './donation-queries';

/** The row a checkout was opened for: a donation, or a membership (with its interval). */
export interface CheckoutOrigin {
  return_to: string | null;
  article_title: string | null;
  interval?: 'month' | 'year';
}

export interface ThanksDeps {
  db: Db;
  stripe: Stripe;
  logger: Logger;
  isAllowedReturn: (url: string) => boolean;
}

const THANKS_FAILURES = {
  unavailable: 'We could not confirm your donation just now. If you completed payment, your receipt is on its way.',
  failed: 'We could not confirm your donation just now. If you completed payment, your receipt is on its way.',
  notFound: 'We could not find that donation.',
};

/**
 * The thank-you page for a Checkout Session id, or, when the link names no
 * session we can find (missing, mangled by a mail client, or unknown to
 * Stripe), a page in the reader's words with the ways on: 400 or 404, never
 * the developer's wording of what was wrong with the query string.
 */
export async function loadThanksView(
  deps: ThanksDeps,
  settings: Settings,
  sessionId: string | null,
): Promise<{ status: number; view: ReturnType<typeof buildThanksView> }> {
  if (!sessionId) return { status: 400, view: buildThanksNotFoundView(settings) };
  let session: Stripe.Checkout.Session;
  try {
    // Read-only: the webhook records the gift; this page only reports it.
    session = await callStripe(deps.logger, 'read checkout session', THANKS_FAILURES, () => deps.stripe.checkout.sessions.retrieve(sessionId));
  } catch (error) {
    if (error instanceof NotFoundError) return { status: 404, view: buildThanksNotFoundView(settings) };
    throw error;
  }
  // Where the donor came from (for the link back) is on our row: the donation, or the membership.
  const origin =
    session.mode === 'subscription'
      ? await findMembershipOrigin(deps.db, session.id)
      : await findDonationByCheckoutSession(deps.db, session.id);
  return { status: 200, view: buildThanksView(settings, session, origin ?? null, deps.isAllowedReturn) };
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
    state: (paid ? 'paid' : processing ? 'processing' : 'incomplete') as 'paid' | 'processing' | 'incomplete' | 'not_found',
    amount,
    email: session.customer_details?.email ?? null,
    articleTitle: origin?.article_title ?? null,
    membership: session.mode === 'subscription' ? (origin?.interval === 'year' ? 'yearly' : 'monthly') : null,
    returnTo,
  };
}

/** No session to report on: the page says so plainly and offers the ways on. */
export function buildThanksNotFoundView(settings: Settings): ReturnType<typeof buildThanksView> {
  return {
    title: "We couldn't find your donation",
    org: settings.organization,
    state: 'not_found',
    amount: null,
    email: null,
    articleTitle: null,
    membership: null,
    returnTo: null,
  };
}
