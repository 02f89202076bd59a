import type Stripe from 'stripe';
import type { Db } from '../db/knex';
import { UpstreamError } from '../lib/errors';
import { callStripe, stripeErrorType } from '../stripe/call-stripe';
import type { Logger } from '../lib/logger';
import { formatMoney, toMajorString } from '../lib/money';
import type { Settings } from '../settings/settings';
import { attributionMetadata } from './attribution';
import type { DonationRequest } from './donation-form';
import { attachCheckoutSession, insertPendingDonation, markCheckoutFailed } from './donation-queries';

const CHECKOUT_FAILURES = {
  unavailable: 'Our payment processor is not answering right now.',
  failed: 'Our payment processor could not start your donation.',
};

/** Marks our objects in a Stripe account that other tools may share. */
export const METADATA_SOURCE = 'sustain';

export interface CheckoutDeps {
  db: Db;
  stripe: Stripe;
  baseUrl: string;
  logger: Logger;
}

/**
 * Records the attempt as a pending donation, then opens a Stripe Checkout
 * Session for it. The pending row exists before Stripe is called so every
 * session can be traced to our id, and the idempotency key is that id, so a
 * retried request can never open a second session for one attempt.
 */
export async function createDonationCheckout(
  deps: CheckoutDeps,
  settings: Settings,
  request: DonationRequest,
): Promise<{ id: string; url: string }> {
  const donation = await insertPendingDonation(deps.db, request);
  const params = checkoutParams(deps.baseUrl, settings, request, donation.id);
  const session = await openCheckoutSession(deps, params, `donation-checkout-${donation.id}`, (reason) =>
    markCheckoutFailed(deps.db, donation.id, reason),
  );
  await attachCheckoutSession(deps.db, donation.id, session.id);
  return { id: donation.id, url: session.url! };
}

/**
 * Creates a Checkout Session, turning Stripe's failures into a page the donor
 * can act on (502/503, nothing leaked) after recording the attempt as failed.
 */
export async function openCheckoutSession(
  deps: CheckoutDeps,
  params: Stripe.Checkout.SessionCreateParams,
  idempotencyKey: string,
  markFailed: (reason: string) => Promise<void>,
): Promise<Stripe.Checkout.Session> {
  let session: Stripe.Checkout.Session;
  try {
    session = await callStripe(deps.logger.child({ idempotency_key: idempotencyKey }), 'create checkout session', CHECKOUT_FAILURES, () =>
      deps.stripe.checkout.sessions.create(params, { idempotencyKey }),
    );
  } catch (error) {
    // The attempt is dead either way; our own bug (not an UpstreamError) still
    // reaches the error handler with its stack.
    await markFailed(`checkout_create:${stripeErrorType(error) ?? 'internal_error'}`);
    throw error;
  }
  if (!session.url) throw new UpstreamError('Our payment processor returned no payment page.', 502, 'payments_failed');
  return session;
}

export function checkoutParams(
  baseUrl: string,
  settings: Settings,
  request: DonationRequest,
  donationId: string,
): Stripe.Checkout.SessionCreateParams {
  const org = settings.organization.name;
  const metadata = { donation_id: donationId, source: METADATA_SOURCE, ...attributionMetadata(request.attribution) };
  return {
    mode: 'payment',
    submit_type: 'donate',
    customer_creation: 'always',
    ...giftCheckoutParams(baseUrl, request, donationId, `Donation to ${org}`),
    metadata,
    payment_intent_data: { metadata, description: `Donation to ${org}` },
  };
}

/**
 * What every gift's Checkout Session says, one-time or membership: the donor's
 * email, our id, one line at the server-computed total (naming the covered
 * fees), and the way back to the thank-you page or to the form.
 */
export function giftCheckoutParams(
  baseUrl: string,
  request: DonationRequest,
  ourId: string,
  name: string,
  recurring?: { interval: 'month' | 'year' },
): Pick<Stripe.Checkout.SessionCreateParams, 'customer_email' | 'client_reference_id' | 'line_items' | 'success_url' | 'cancel_url'> {
  const description = request.coverFees
    ? `Includes ${formatMoney(request.feeAmount, request.currency)} to cover processing fees`
    : undefined;
  return {
    ...(request.email ? { customer_email: request.email } : {}),
    client_reference_id: ourId,
    line_items: [
      {
        quantity: 1,
        price_data: {
          currency: request.currency,
          unit_amount: request.total,
          ...(recurring ? { recurring } : {}),
          product_data: { name, ...(description ? { description } : {}) },
        },
      },
    ],
    success_url: successUrl(baseUrl, request),
    cancel_url: `${baseUrl}/donate?${cancelQuery(request, ourId)}`,
  };
}

/**
 * Our thank-you page; or, for a gift from the article footer box, the article
 * itself, where the loader reads the marker and thanks the reader (the
 * `return_to` was checked against the allowed origins when the form was read).
 */
export function successUrl(baseUrl: string, request: DonationRequest): string {
  if (request.fromEmbed && request.returnTo) {
    return `${request.returnTo.split('#')[0]}#sustain-thanks=${request.frequency}`;
  }
  return `${baseUrl}/donate/thanks?session_id={CHECKOUT_SESSION_ID}`;
}

/**
 * Brings the donor back to a form that still holds their choices. What they
 * typed about themselves (email, dedication, note) stays out of the URL,
 * which ends up in logs, history and analytics: `resume` names our pending
 * row, and the form is refilled from it (resume-checkout.ts).
 */
export function cancelQuery(request: DonationRequest, ourId: string): string {
  const query = new URLSearchParams({ amount: toMajorString(request.gift), frequency: request.frequency });
  if (request.coverFees) query.set('cover_fees', '1');
  for (const key of ['campaign', 'utm_source', 'utm_medium', 'utm_campaign', 'utm_content', 'article_url', 'article_title', 'cta_variant', 'referrer'] as const) {
    const value = request.attribution[key];
    if (value) query.set(key, value);
  }
  if (request.returnTo) query.set('return_to', request.returnTo);
  query.set('resume', ourId);
  query.set('canceled', '1');
  // Long article URLs and referrers, once encoded, could make a URL Stripe
  // refuses, and that reader could never give: the least useful fields go first.
  for (const key of CANCEL_QUERY_DROP_ORDER) {
    if (query.toString().length <= CANCEL_QUERY_BUDGET) break;
    query.delete(key);
  }
  return query.toString();
}

/** Characters of cancel-URL query we allow ourselves: well inside Stripe's limit on a URL. */
const CANCEL_QUERY_BUDGET = 1800;
const CANCEL_QUERY_DROP_ORDER = ['referrer', 'article_title', 'utm_content', 'article_url', 'return_to'] as const;
