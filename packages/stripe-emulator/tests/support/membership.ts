import type Stripe from 'stripe';
import { GOOD_CARD, eventually, postForm, submitCheckoutForm, type Harness } from './harness';

/**
 * Helpers for the membership tests: the checkout params Sustain sends for a
 * membership, paying it on the hosted page, advancing the clock, and driving
 * the billing portal's forms as a browser would.
 */

export function membershipParams(
  interval: 'month' | 'year' = 'month',
  overrides: Stripe.Checkout.SessionCreateParams = {},
): Stripe.Checkout.SessionCreateParams {
  return {
    mode: 'subscription',
    line_items: [
      {
        quantity: 1,
        price_data: {
          currency: 'usd',
          unit_amount: 1000,
          recurring: { interval },
          product_data: { name: interval === 'month' ? 'Monthly membership' : 'Annual membership' },
        },
      },
    ],
    subscription_data: {
      metadata: { membership_id: '7', source: 'sustain' },
      description: 'Membership of The Ledger',
    },
    metadata: { membership_id: '7', source: 'sustain' },
    client_reference_id: 'membership-7',
    customer_email: 'member@example.org',
    success_url: 'http://localhost:3000/donate/thanks?session_id={CHECKOUT_SESSION_ID}',
    cancel_url: 'http://localhost:3000/donate?canceled=1',
    ...overrides,
  };
}

export const MEMBER_CARD = { ...GOOD_CARD, email: 'member@example.org', cardholder_name: 'Mia Member' };

export interface Membership {
  session: Stripe.Checkout.Session;
  subscription: Stripe.Subscription;
  customerId: string;
}

/** Opens a membership checkout and pays it with 4242 4242 4242 4242. */
export async function becomeMember(h: Harness, interval: 'month' | 'year' = 'month'): Promise<Membership> {
  const created = await h.stripe.checkout.sessions.create(membershipParams(interval));
  const response = await submitCheckoutForm(h.emulator, created.id, MEMBER_CARD);
  if (response.status !== 303) throw new Error(`checkout answered ${response.status}: ${await response.text()}`);
  const session = await h.stripe.checkout.sessions.retrieve(created.id);
  const subscription = await h.stripe.subscriptions.retrieve(session.subscription as string);
  return { session, subscription, customerId: session.customer as string };
}

export interface AdvanceReport {
  now: number;
  renewed: Array<{ subscription: string; invoice: string; billing_reason: string; amount_paid: number; paid_at: number }>;
  failed: Array<{ subscription: string; invoice: string; attempt_count: number; next_payment_attempt: number | null }>;
  canceled: Array<{ subscription: string; reason: string; ended_at: number }>;
  expired_sessions: string[];
  evicted: { checkoutSessions: number; idempotentResponses: number; events: number };
}

export async function advance(h: Harness, days: number): Promise<AdvanceReport> {
  const response = await postForm(h.emulator, '/_emulator/advance', { days: String(days) });
  if (response.status !== 200) throw new Error(`advance answered ${response.status}`);
  return (await response.json()) as AdvanceReport;
}

/**
 * API calls answer before their events are delivered (as Stripe's do); this
 * waits until the receiver has `count` events of the type.
 */
export function receivedEvents(h: Harness, type: string, count = 1): Promise<void> {
  return eventually(() => expect(delivered(h, type).length).toBeGreaterThanOrEqual(count));
}

/** Events of one type the receiver got, oldest first, with their objects. */
export function delivered(h: Harness, type: string) {
  return h.receiver.deliveries.filter((d) => d.event.type === type).map((d) => d.event);
}

export async function openPortal(h: Harness, customer: string): Promise<Stripe.BillingPortal.Session> {
  return h.stripe.billingPortal.sessions.create({ customer, return_url: 'http://localhost:3000/account' });
}

/** Submits a form on the portal page without following the redirect. */
export function postPortal(h: Harness, path: string, fields: Record<string, string> = {}): Promise<Response> {
  return fetch(`${h.emulator.url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });
}

export function replaceCard(h: Harness, portalId: string, cardNumber: string): Promise<Response> {
  return postPortal(h, `/portal/${portalId}/payment-method`, {
    card_number: cardNumber,
    card_expiry: '12 / 34',
    card_cvc: '123',
  });
}

/** The events Stripe sends, in order, when an invoice is paid by card: a subscription's first payment or a renewal. */
export const INVOICE_PAID_EVENTS = [
  'charge.succeeded',
  'payment_intent.succeeded',
  'invoice.paid',
  'invoice.payment_succeeded',
  'invoice_payment.paid',
] as const;
